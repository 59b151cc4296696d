[$a, $b, $c] = [1, 'two', [3]]
[$host, $port] = { 'port' => 443, 'host' => 'example.org', 'other' => 'x' }
$d = $e = 'chained'
notify { 'array': message => "${a} ${b} ${c}" }
notify { 'hash': message => "${host}:${port}" }
notify { 'chained': message => "${d} ${e}" }
