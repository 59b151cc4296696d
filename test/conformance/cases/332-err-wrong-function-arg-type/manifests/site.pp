notify { 'x': message => split(42, ',') }
