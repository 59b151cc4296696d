notice('a')
$x = 'never closed
notice('b')
