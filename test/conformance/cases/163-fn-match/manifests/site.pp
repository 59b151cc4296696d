notify { 'match': message => [
  'abc123'.match(/([a-z]+)(\d+)/),
  'nope'.match(/\d+/),
  ['a1', 'b2', 'cc'].match(/\w(\d)/),
  match('x=1', 'x=(\d)'),
] }
