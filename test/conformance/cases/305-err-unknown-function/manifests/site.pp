$v = no_such_function('a', 1)
