file { '/tmp/a':
  ensure  => file,
  before  => Service['also-missing'],
  require => Package['missing'],
}
