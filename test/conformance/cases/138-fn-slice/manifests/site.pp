notify { 'slice': message => [1, 2, 3, 4, 5].slice(2) }
notify { 'slice-hash': message => { 'a' => 1, 'b' => 2, 'c' => 3 }.slice(2) }
$out = []
notify { 'slice-lambda': message => [1, 2, 3, 4].slice(2).map |$pair| { $pair[0] + $pair[1] } }
[1, 2, 3, 4, 5, 6].slice(3) |$a, $b, $c| { notify { "triple-${a}": message => $a + $b + $c } }
