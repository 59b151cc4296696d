notify { 'numstr': message => {
  'str-plus-int' => '10' + 5,
  'hex-str'      => '0x10' + 0,
  'float-str'    => '1.5' * 2,
  'both-str'     => '3' * '4',
  'str-eq-int'   => '10' == 10,
  'neg-str'      => '-5' + 0,
} }
