file { '/etc/a': ensure => file, alias => 'conf' }
file { '/etc/b': ensure => file, alias => 'conf' }
