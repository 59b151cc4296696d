notify { 'ok': message => util::pad(7) }

notify { 'bad': message => util::pad('x', 0) }
