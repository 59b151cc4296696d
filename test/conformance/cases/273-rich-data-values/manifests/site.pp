type Person = Object[{attributes => {name => String, age => Integer}}]
notify { 'semver': message => SemVer('1.2.3-rc.1+b5') }
notify { 'semver-range': message => SemVerRange('>=1.0.0 <2.0.0') }
notify { 'binary': message => Binary([0, 1, 254, 255]) }
notify { 'uri': message => URI('https://example.com:8443/a?b=c#d') }
notify { 'timestamp': message => Timestamp('2020-01-02T03:04:05.5Z') }
notify { 'timespan': message => Timespan({hours => 1, minutes => 30}) }
notify { 'regexp': message => /^a+$/ }
notify { 'object': message => Person('Ann', 30) }
notify { 'nested': message => [SemVer('1.0.0'), {'v' => Binary('aGk=')}] }
notify { 'int-keys': message => {1 => 'one', 2 => 'two'} }
notify { 'type': message => Integer[1, 2] }
notify { 'default': message => default }
notify { 'big': message => 12345678901234567 }
file { '/tmp/rich-binary': content => Binary('aGVsbG8=') }
