@file { '/var/www/': ensure => directory }
file { '/etc/motd': ensure => file }
file { '/var/www':
  ensure => directory,
}
