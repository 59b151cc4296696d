notify { 'a': }
Notify['a'] -> Notify['not-declared']
