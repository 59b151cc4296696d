class a { notify { 'a': } }
class b { notify { 'b': } }
class c { notify { 'c': } }
include a, b, c
Class['a'] -> Class['b'] ~> Class['c']
