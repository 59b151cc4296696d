package { 'openssh-server': ensure => installed }
service { 'ssh': ensure => running }
Package['openssh-server'] -> Service['ssh']
