node default {
  class { 'apt': }
  apt::source { 'debian-backports':
    location => 'http://deb.debian.org/debian',
    release  => "${facts['os']['distro']['codename']}-backports",
    repos    => 'main contrib non-free-firmware',
  }
  class { 'ntp': servers => ['ntp1.example.com', 'ntp2.example.com'] }
  Class['apt'] -> Class['ntp']

  concat { '/etc/app/hosts.allow': ensure => present, mode => '0640' }
  ['10.0.0.0/8', '192.168.0.0/16'].each |$i, $net| {
    concat::fragment { "allow-${i}": target => '/etc/app/hosts.allow', content => "ALLOW ${net}\n", order => sprintf('%02d', $i) }
  }
  ini_setting { 'app port':
    ensure  => present,
    path    => '/etc/app/app.ini',
    section => 'server',
    setting => 'port',
    value   => String(pick(undef, 8080)),
    require => Concat['/etc/app/hosts.allow'],
  }
  ensure_packages(['htop'])
}
