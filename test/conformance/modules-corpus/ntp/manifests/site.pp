node default {
  class { 'ntp':
    servers   => ['0.debian.pool.ntp.org', '1.debian.pool.ntp.org', '2.debian.pool.ntp.org'],
    restrict  => ['default kod nomodify notrap nopeer noquery', '127.0.0.1', '::1'],
    iburst_enable => true,
    service_manage => true,
  }
}
