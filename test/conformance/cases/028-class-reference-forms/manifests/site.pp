class foo::bar { notify { 'foobar': } }
class other { notify { 'other': } }
include foo::bar
include other
Class['foo::bar'] -> Class['Other']
notify { 'after': require => Class['Foo::Bar'] }
