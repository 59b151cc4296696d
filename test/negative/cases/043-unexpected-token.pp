notice('a')
notice('b'))
