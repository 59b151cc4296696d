notify { 'x': message => lookup('k', undef, 'unique') }
