$family = 'Debian'
notify { 'sel-string': message => $family ? { 'debian' => 'deb (case-insensitive)', 'RedHat' => 'rh', default => 'other' } }
notify { 'sel-regex': message => 'web42' ? { /^web(\d+)$/ => "web number ${1}", default => 'no' } }
notify { 'sel-default': message => 'zzz' ? { 'a' => 1, default => 'fell through' } }
notify { 'sel-number': message => 3 ? { 1 => 'one', 3 => 'three', default => 'many' } }
notify { 'sel-multi': message => 'b' ? { ['a', 'b'] => 'array option? no', 'b' => 'b', default => 'x' } }
notify { 'sel-bool': message => true ? { true => 'yes', false => 'no' } }
