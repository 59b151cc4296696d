notify { 'reverse': message => Array([1, 2, 3].reverse_each) }
notify { 'index': message => [['a', 'b', 'c'].index('b'), ['a', 'b'].index |$x| { $x == 'z' }, 'hello'.index('l')] }
