$h = { 'zeta' => 1, 'alpha' => 2, 'mid' => 3 }
notify { 'lengths': message => [length('hello'), length([1, 2]), length($h), length(''), 'héllo'.length] }
notify { 'keys': message => keys($h) }
notify { 'values': message => $h.values }
notify { 'size': message => size([1, 2, 3]) }
