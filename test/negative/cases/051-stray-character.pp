notice('a')
$x = 1 ^ 2
