define web::listen (
  $listen_addr_port = $name,
) {
  $kind = type($listen_addr_port, 'generalized')
  notify { "Listen ${listen_addr_port} (${kind}, title ${type($title, 'generalized')})": }
}
