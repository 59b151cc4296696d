class web ($ports = [80, 443]) {
  ensure_resource('web::listen', $ports)
  ensure_resource('web::listen', 80)
  ensure_resource('notify', 8080, { message => 'alt port' })
  ensure_resources('web::listen', { 8443 => {} })
  create_resources('web::listen', { 9000 => {}, '9001' => {} })
  ensure_resource('web::listen', '8000')
}
