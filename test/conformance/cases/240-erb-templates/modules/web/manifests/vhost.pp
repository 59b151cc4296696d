define web::vhost (String $docroot, Integer $priority = 10) {
  file { "/etc/web/vhosts/${priority}-${title}.conf":
    ensure  => file,
    content => template('web/vhost.erb'),
  }
}
