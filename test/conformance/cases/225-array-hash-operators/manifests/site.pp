notify { 'ops': message => {
  'arr-plus'     => [1, 2] + [2, 3],
  'arr-minus'    => [1, 2, 2, 3] - [2],
  'arr-minus-s'  => ['a', 'B'] - ['b'],
  'arr-append'   => [1] << [2, 3],
  'hash-plus'    => { 'a' => 1 } + { 'b' => 2 },
  'hash-minus'   => { 'a' => 1, 'b' => 2 } - 'a',
  'hash-arr'     => { 'a' => 1 } + [['b', 2]],
  'arr-eq'       => [1, [2, 3]] == [1, [2, 3]],
  'arr-splat'    => [*[1, 2], 3],
} }
