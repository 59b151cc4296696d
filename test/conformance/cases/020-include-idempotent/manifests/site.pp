class a { notify { 'a': } }
class b { notify { 'b': } }
class c { notify { 'c': } }
class d { notify { 'd': } }
include a
include a, b
include [c, 'a']
include Class['d']
include ::b
