file { '/etc/ssh/sshd_config': ensure => file, alias => 'sshd_config' }
service { 'ssh': ensure => running, subscribe => File['sshd_config'] }
