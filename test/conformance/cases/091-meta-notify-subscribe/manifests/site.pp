file { '/etc/app.conf': ensure => file, content => "x\n", notify => Service['app'] }
service { 'app': ensure => running }
exec { 'reload-app': command => '/bin/true', refreshonly => true, subscribe => [File['/etc/app.conf'], Service['app']] }
