$n = 5
notify { 'x': message => "${n + 1}" }
