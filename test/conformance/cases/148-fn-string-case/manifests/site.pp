notify { 'case': message => [
  upcase('abc Def'),
  downcase('ABC Def'),
  capitalize('hello world'),
  capitalize('hELLO'),
  upcase(['a', 'b']),
  'MiXeD'.downcase,
] }
notify { 'case-hash': message => downcase({ 'KEY' => 'VALUE' }) }
