notify { 'a': }
notify { 'b': }
notify { 'src': before => Notify['a'] }
Notify['src'] -> Notify['b']
