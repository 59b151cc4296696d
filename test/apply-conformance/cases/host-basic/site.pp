# host: create, change in place, remove, aliases and comments; the file's other lines stay.
Host { target => '@ROOT@/hosts' }
host { 'new.example.com': ip => '192.0.2.1', host_aliases => ['new', 'n'], comment => 'added' }
host { 'old.example.com': ip => '192.0.2.99', host_aliases => 'old2' }
host { 'gone.example.com': ensure => absent }
host { 'six.example.com': ip => '2001:db8::2' }
host { 'plain.example.com': ip => '198.51.100.7' }
host { 'other file':  name => 'x.example.com', ip => '192.0.2.5', target => '@ROOT@/extra-hosts' }
