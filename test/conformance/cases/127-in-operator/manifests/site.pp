notify { 'in': message => {
  'array'        => 'b' in ['a', 'b'],
  'array-case'   => 'B' in ['a', 'b'],
  'hash-key'     => 'k' in { 'k' => 1 },
  'hash-value'   => 1 in { 'k' => 1 },
  'substring'    => 'ell' in 'hello',
  'substring-uc' => 'ELL' in 'hello',
  'regex'        => /^b/ in ['abc', 'bcd'],
  'type'         => Integer in ['a', 3],
  'number'       => 2 in [1, 2.0],
  'missing'      => 'z' in ['a'],
} }
