define apache::vhost(Integer $port) {
  notify { "apache-vhost-${title}": message => "listen ${port}" }
}
