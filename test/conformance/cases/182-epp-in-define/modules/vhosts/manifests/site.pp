define vhosts::site(Integer $port, Array[String] $aliases = []) {
  file { "/etc/nginx/sites-available/${title}":
    ensure  => file,
    content => epp('vhosts/site.conf.epp', { 'name' => $title, 'port' => $port, 'aliases' => $aliases }),
  }
}
