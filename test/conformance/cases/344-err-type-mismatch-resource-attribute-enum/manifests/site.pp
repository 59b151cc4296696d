define pkg(Enum['present', 'absent'] $ensure = 'present') {}
pkg { 'x': ensure => 'latest' }
