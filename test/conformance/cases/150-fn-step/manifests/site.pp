notify { 'step-array': message => Array([1, 2, 3, 4, 5, 6, 7].step(3)) }
notify { 'step-lambda': message => [0, 1, 2, 3, 4, 5].step(2).map |$x| { $x * 100 } }
$collected = []
Integer[1, 10].step(4) |$x| { notify { "step-${x}": } }
