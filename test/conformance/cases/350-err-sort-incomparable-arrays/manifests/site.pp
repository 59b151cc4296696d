$ports = [[80, 'http'], ['443', 'https']]
notify { 'x': message => sort($ports) }
