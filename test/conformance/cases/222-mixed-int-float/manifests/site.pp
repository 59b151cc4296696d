notify { 'mixed': message => {
  'int-plus-float'  => 1 + 1.0,
  'int-times-float' => 2 * 2.5,
  'float-div-int'   => 9.0 / 3,
  'eq'              => 1 == 1.0,
  'lt'              => 1 < 1.5,
  'type'            => type(1 + 1.0, 'generalized'),
  'int-div-exact'   => 6 / 3,
} }
