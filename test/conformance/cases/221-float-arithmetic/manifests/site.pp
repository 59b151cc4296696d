notify { 'float': message => {
  'add'      => 0.1 + 0.2,
  'mul'      => 1.5 * 4,
  'div'      => 7.0 / 2,
  'div-int'  => 1.0 / 3,
  'sci'      => 1.5e3,
  'neg'      => -2.5 * 2,
  'big'      => 1e20 * 10,
  'small'    => 1.0e-5,
} }
