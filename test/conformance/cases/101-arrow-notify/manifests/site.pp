file { '/etc/ssh/sshd_config': ensure => file }
service { 'ssh': ensure => running }
File['/etc/ssh/sshd_config'] ~> Service['ssh']
