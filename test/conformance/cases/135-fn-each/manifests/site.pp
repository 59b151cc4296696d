['a', 'b'].each |$v| { notify { "v-${v}": } }
['x', 'y'].each |$i, $v| { notify { "iv-${i}-${v}": } }
$h1 = { 'k1' => 'v1', 'k2' => 'v2' }
$h1.each |$k, $v| { notify { "kv-${k}": message => $v } }
$h2 = { 'p1' => 1 }
$h2.each |$pair| { notify { "pair-${pair[0]}": message => $pair } }
$ret = [1, 2].each |$x| { $x * 10 }
notify { 'each-returns': message => $ret }
