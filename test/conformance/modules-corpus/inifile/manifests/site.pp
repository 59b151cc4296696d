node default {
  ini_setting { 'php memory_limit':
    ensure  => present,
    path    => '/etc/php/8.2/fpm/php.ini',
    section => 'PHP',
    setting => 'memory_limit',
    value   => '256M',
  }
  ini_setting { 'remove expose_php':
    ensure  => absent,
    path    => '/etc/php/8.2/fpm/php.ini',
    section => 'PHP',
    setting => 'expose_php',
  }
  ini_subsetting { 'java opts xmx':
    ensure            => present,
    path              => '/etc/default/jetty',
    section           => '',
    key_val_separator => '=',
    setting           => 'JAVA_OPTIONS',
    subsetting        => '-Xmx',
    value             => '512m',
  }
}
