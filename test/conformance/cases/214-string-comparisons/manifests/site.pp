notify { 'cmp': message => {
  'eq-case'     => 'abc' == 'ABC',
  'ne-case'     => 'abc' != 'ABC',
  'lt'          => 'apple' < 'Banana',
  'gt'          => 'b' > 'A',
  'le-equal'    => 'Same' <= 'same',
  'array-eq'    => ['A', 'b'] == ['a', 'B'],
  'hash-eq'     => { 'k' => 'V' } == { 'k' => 'v' },
  'hash-key-eq' => { 'K' => 'v' } == { 'k' => 'v' },
  'num-string'  => '1' == 1,
  'unicode'     => 'ÄBC' == 'äbc',
} }
