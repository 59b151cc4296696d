class base {
  $pkg = 'nginx'
  $port = 80
}
class base::web inherits base {
  $port = 8080
  notify { 'web': message => "${pkg}:${port}:${base::port}" }
}
include base::web
