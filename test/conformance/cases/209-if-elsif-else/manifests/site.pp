$n = 15
if $n > 20 { $size = 'large' } elsif $n > 10 { $size = 'medium' } else { $size = 'small' }
notify { 'if-chain': message => $size }
$v = if $n % 2 == 1 { 'odd' } else { 'even' }
notify { 'if-value': message => $v }
$none = if false { 'x' }
notify { 'if-no-else': message => "[${none}]" }
