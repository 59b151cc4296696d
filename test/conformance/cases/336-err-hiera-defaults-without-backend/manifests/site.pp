notify { 'x': message => lookup('any::key', undef, undef, 'dflt') }
