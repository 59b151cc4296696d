class web(
  String $package = $web::params::package,
  String $service = $web::params::service,
) inherits web::params {
  notify { 'web': message => "${package}/${service}" }
}
