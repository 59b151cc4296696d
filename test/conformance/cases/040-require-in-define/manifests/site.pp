class pkgs { notify { 'pkgs': } }
define site_conf { require pkgs notify { "conf-${title}": } }
site_conf { 'x': }
