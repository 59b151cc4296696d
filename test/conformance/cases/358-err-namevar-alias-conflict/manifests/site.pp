user { 'admin': name => 'alice' }
exec { 'a': command => '/bin/true' }
exec { 'b': command => '/bin/true' }
File { path => '/srv/shared' }
file { 'one': ensure => file }
file { 'two': ensure => file }
