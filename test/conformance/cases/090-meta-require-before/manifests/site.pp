package { 'nginx': ensure => installed }
file { '/etc/nginx/nginx.conf': ensure => file, require => Package['nginx'] }
service { 'nginx': ensure => running, require => [Package['nginx'], File['/etc/nginx/nginx.conf']] }
exec { 'prep': command => '/bin/true', before => Package['nginx'] }
