$arr = [1, 'two', [3], { 'k' => 'v' }]
$h = { 'a' => 1, 'b' => [true, undef] }
$t = true
$f = 2.0
$n = -3
$nothing = undef
notify { 'interp': message => "arr=${arr} h=${h} undef=[${nothing}] bool=${t} float=${f} neg=${n} type=${String}" }
