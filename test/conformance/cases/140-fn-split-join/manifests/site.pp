notify { 'split-str': message => split('a,b,,c', ',') }
notify { 'split-re': message => split('a1b22c', /\d+/) }
notify { 'split-dot': message => split('1.2.3', '[.]') }
notify { 'split-empty': message => split('abc', '') }
notify { 'split-trailing': message => split('a,b,,', ',') }
notify { 'join': message => join(['a', 'b', 'c'], '-') }
notify { 'join-nosep': message => ['a', 1, true].join }
notify { 'join-nested': message => join([1, [2, 3]], ',') }
