$h = {}
notify { 'x': message => $h['missing'].upcase }
