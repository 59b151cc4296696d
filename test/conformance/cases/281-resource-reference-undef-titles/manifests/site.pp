$unset = undef
service { 'a': }
file { '/tmp/b': }
notify { 'refs':
  before  => File[$unset],
  require => Service['a', $unset],
  message => "${String(File[['/tmp/b']])} ${String(Class[['main']])} ${String(File[$unset, $unset])} ${String(File[$unset])}",
}
notify { 'type of undef reference':
  message => String(type(Class[$unset])),
}
