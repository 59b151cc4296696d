$nums = [1, 2, 3, 4, 5, 6]
$h = { 'a' => 1, 'b' => 2, 'c' => 3 }
notify { 'map': message => $nums.map |$x| { $x * 2 } }
notify { 'map-index': message => $nums.map |$i, $x| { $i + $x } }
notify { 'map-hash': message => $h.map |$k, $v| { "${k}=${v}" } }
notify { 'filter': message => $nums.filter |$x| { $x % 2 == 0 } }
notify { 'filter-hash': message => $h.filter |$k, $v| { $v > 1 } }
notify { 'filter-index': message => $nums.filter |$i, $x| { $i < 2 } }
notify { 'filter-truthy': message => ['a', '', 'b'].filter |$x| { $x } }
