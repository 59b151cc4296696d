$r1 = false and fail('never evaluated')
$r2 = true or fail('never evaluated')
$r3 = undef and true
$r4 = 'x' or false
notify { 'short': message => [$r1, $r2, $r3, $r4] }
