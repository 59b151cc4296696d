notify { 'dup': message => 'first' }
notify { 'other': }
notify { 'dup': message => 'second' }
