notify { 'lookup': message => {
  'string'    => lookup('site::name'),
  'integer'   => lookup('site::port'),
  'array'     => lookup('site::dns'),
  'hash'      => lookup('site::users'),
  'subkey'    => lookup('site::users.alice.uid'),
  'default'   => lookup('missing::key', undef, undef, 'dflt'),
  'typed'     => lookup('site::port', Integer),
  'options'   => lookup({ 'name' => 'missing::other', 'default_value' => 42 }),
} }
