$s = 'hello'
notify { 'x': message => $s['key'] }
