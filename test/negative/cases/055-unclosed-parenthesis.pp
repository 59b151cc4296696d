notice((1 + 2)
notice('x')
