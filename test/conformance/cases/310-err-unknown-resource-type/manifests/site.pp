nosuchtype { 'x': ensure => present }
