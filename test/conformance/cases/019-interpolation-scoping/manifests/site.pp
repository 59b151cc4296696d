$list = ['x', 'y', 'z']
$h = { 'k' => 'v' }
$n = 5
notify { 'interp': message => "${list[0]}-${h['k']}-${$n + 1}-${list.length}-${list.join('+')}-$n-${::n}" }
notify { 'braces': message => "${n}px and $n px and \$n and ${'literal'}" }
