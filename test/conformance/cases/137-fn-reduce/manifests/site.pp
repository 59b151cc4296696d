notify { 'sum': message => [1, 2, 3, 4].reduce |$memo, $x| { $memo + $x } }
notify { 'start': message => [1, 2, 3].reduce(10) |$memo, $x| { $memo + $x } }
notify { 'concat': message => ['a', 'b', 'c'].reduce('') |$memo, $x| { "${memo}${x}" } }
notify { 'hash': message => { 'a' => 1, 'b' => 2 }.reduce(0) |$memo, $pair| { $memo + $pair[1] } }
notify { 'build-hash': message => ['x', 'y'].reduce({}) |$memo, $k| { $memo + { $k => $k.upcase } } }
notify { 'single': message => [42].reduce |$m, $x| { $m + $x } }
