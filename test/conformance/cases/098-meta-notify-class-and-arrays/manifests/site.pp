class svc { notify { 'svc': } }
class { 'svc': subscribe => File['/etc/svc.conf'] }
file { '/etc/svc.conf': ensure => file, notify => [Class['svc']] }
