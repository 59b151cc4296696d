$site_var = 'from-scope'
notify { 'interp': message => {
  'fact'    => lookup('i::fact'),
  'trusted' => lookup('i::trusted'),
  'scope'   => lookup('i::scope'),
  'lookup'  => lookup('i::lookup'),
  'alias'   => lookup('i::alias'),
  'literal' => lookup('i::literal'),
  'nested'  => lookup('i::nested'),
} }
