# A small web server on a chosen port, let through the firewall.
class base::web (
  Integer[1, 65535] $port = 80,
) {
  package { 'nginx':
    ensure => installed,
  }
  -> file { '/etc/nginx/sites-enabled/default':
    ensure  => file,
    content => @("CONF"),
      server {
        listen ${port} default_server;
        root /var/www/html;
      }
      | CONF
  }
  ~> service { 'nginx':
    ensure => running,
    enable => true,
  }

  firewall { "200 allow http on ${port}":
    proto  => tcp,
    dport  => $port,
    action => accept,
  }
}
