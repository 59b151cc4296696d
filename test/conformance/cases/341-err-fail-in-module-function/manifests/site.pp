notify { 'x': message => checks::positive(-1) }
