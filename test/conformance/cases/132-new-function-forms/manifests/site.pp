$a = Integer.new('17')
$b = new(Integer, '18')
$c = '19'.then |$s| { Integer($s) }
$d = String.new([1, 2], '%s')
$e = Array.new('abc')
$f = Array.new(Integer[1, 3])
notify { 'new': message => [$a, $b, $c, $d, $e, $f] }
