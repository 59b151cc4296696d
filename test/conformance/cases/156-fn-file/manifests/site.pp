file { '/etc/motd': ensure => file, content => file('motd/motd.txt') }
notify { 'fallback': message => file('motd/missing.txt', 'motd/second.txt') }
