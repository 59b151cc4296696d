define vhost(Integer $port = 80, String $docroot = "/var/www/${title}", Boolean $ssl = false) {
  notify { "vhost-${title}": message => "${title}:${port} ${docroot} ssl=${ssl}" }
}
vhost { 'a.example.com': }
vhost { 'b.example.com': port => 443, ssl => true }
