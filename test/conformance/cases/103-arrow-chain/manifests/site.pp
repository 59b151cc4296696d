package { 'ntp': ensure => installed }
-> file { '/etc/ntp.conf': ensure => file }
~> service { 'ntp': ensure => running }
-> notify { 'done': }
