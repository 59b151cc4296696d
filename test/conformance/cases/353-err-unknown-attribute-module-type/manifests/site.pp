ini_setting { 'port':
  ensure  => present,
  path    => '/etc/app.ini',
  section => 'main',
  setting => 'port',
  value   => '80',
  bogus   => 1,
}
