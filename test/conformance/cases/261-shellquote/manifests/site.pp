$words = ['plain', 'a b', 'it\'s', 'say "hi"', '$HOME', 'both \' and "', 'back\\slash', '', 'tab	x', 'a=b:c,d./e-f@g%h_i+j', '!bang', '`tick`', "new\nline", 'ünïcode']
notify { 'each': message => join($words.map |$w| { shellquote($w) }, '|') }
notify { 'all': message => shellquote($words) }
notify { 'nested': message => shellquote('cmd', ['-a', ['b c']], 'd') }
notify { 'undef': message => shellquote('a', undef, 'b') }
