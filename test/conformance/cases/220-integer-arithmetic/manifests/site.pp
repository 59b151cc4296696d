notify { 'int': message => {
  'add'     => 7 + 3,
  'sub'     => 7 - 10,
  'mul'     => 6 * 7,
  'div'     => 7 / 2,
  'div-neg' => -7 / 2,
  'mod'     => 7 % 3,
  'mod-neg' => -7 % 3,
  'mod-neg2'=> 7 % -3,
  'prec'    => 2 + 3 * 4 - 8 / 2,
  'parens'  => (2 + 3) * 4,
} }
