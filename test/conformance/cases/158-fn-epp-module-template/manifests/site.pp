class { 'motd': owner => 'ops' }
