notify { 'any-all': message => [
  [1, 2, 3].any |$x| { $x > 2 },
  [1, 2, 3].all |$x| { $x > 2 },
  [].any |$x| { true },
  [].all |$x| { false },
  { 'a' => 1, 'b' => 2 }.any |$k, $v| { $v == 2 },
  { 'a' => 1, 'b' => 2 }.all |$pair| { $pair[1] > 0 },
  [1, 2].any |$i, $x| { $i == 1 },
] }
