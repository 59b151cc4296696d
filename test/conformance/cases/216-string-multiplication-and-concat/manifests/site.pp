$a = ['x']
$b = $a + ['y', 'z']
$c = $a << 'w'
$d = [1, 2] + 3
$e = [1, 2] << [3]
notify { 'arrays': message => [$a, $b, $c, $d, $e] }
