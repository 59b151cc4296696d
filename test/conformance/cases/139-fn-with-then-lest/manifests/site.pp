notify { 'with': message => with(1, 2) |$a, $b| { $a + $b } }
$h = { 'present' => 'value' }
notify { 'then': message => $h['present'].then |$v| { "got ${v}" } }
notify { 'then-undef': message => "[${h['absent'].then |$v| { 'never' }}]" }
notify { 'lest': message => $h['absent'].lest || { 'fallback' } }
notify { 'lest-present': message => $h['present'].lest || { 'fallback' } }
notify { 'chain': message => $h['absent'].then |$v| { $v.upcase }.lest || { 'none' } }
