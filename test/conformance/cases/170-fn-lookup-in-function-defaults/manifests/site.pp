$names = split('web,db,cache', ',')
notify { upcase($names[0]): message => join(sort($names), '+') }
notify { "count-${length($names)}": message => $names.length ? { 3 => 'three', default => 'other' } }
