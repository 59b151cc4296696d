class web::params {
  case $facts['os']['family'] {
    'Debian': { $package = 'apache2' $service = 'apache2' }
    'RedHat': { $package = 'httpd' $service = 'httpd' }
    default:  { $package = 'unknown' $service = 'unknown' }
  }
}
