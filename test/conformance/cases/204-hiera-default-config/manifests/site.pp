notify { 'default-hierarchy': message => lookup('defaults::value', undef, undef, 'not found') }
