$d = Deferred('join', 'x')
