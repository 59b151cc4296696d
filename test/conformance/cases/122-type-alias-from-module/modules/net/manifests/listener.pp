class net::listener(Net::Port $port, String $bind, Net::Proto $proto) {
  notify { 'listener': message => "${proto}://${bind}:${port}" }
}
