class first { notify { 'first': } }
class second { notify { 'second': } }
class third { notify { 'third': } }
include first
class { 'second': require => Class['first'], tag => ['extra', 'more'] }
class { 'third': before => Class['first'], noop => true }
