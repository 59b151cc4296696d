notify { 'regsubst': message => [
  regsubst('hello world', 'o', '0'),
  regsubst('hello world', 'o', '0', 'G'),
  regsubst('John Smith', '(\w+) (\w+)', '\2, \1'),
  regsubst('ABC abc', 'b', 'x', 'GI'),
  regsubst(['a.b', 'c.d'], '\.', '_', 'G'),
  regsubst('path//to///x', /\/+/, '/', 'G'),
  'snake_case_name'.regsubst(/_(\w)/, '-\1', 'G'),
] }
