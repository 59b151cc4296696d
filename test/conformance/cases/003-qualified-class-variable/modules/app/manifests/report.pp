class app::report {
  notify { 'port': message => "port is ${app::config::port}" }
  notify { 'names': message => $::app::config::names }
}
