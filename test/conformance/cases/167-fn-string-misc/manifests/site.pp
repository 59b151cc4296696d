notify { 'misc': message => [
  "line\n".chomp,
  'abc'.chop,
  'hello'.size,
  ['x', 'y'].size,
  Array('a-b-c'.split('-').reverse_each).join('-'),
] }
