notify { 'sort-str': message => sort(['b', 'C', 'a', 'B']) }
notify { 'sort-num': message => sort([10, 2, 33, 1.5]) }
notify { 'sort-lambda': message => ['bb', 'a', 'ccc'].sort |$a, $b| { compare($b.length, $a.length) } }
notify { 'unique': message => unique([1, 2, 1, '1', 'a', 'A', 'a']) }
notify { 'unique-str': message => unique('aabbcA') }
notify { 'flatten': message => flatten([1, [2, [3, [4]]], []]) }
notify { 'flatten-args': message => flatten(1, [2], [[3]]) }
