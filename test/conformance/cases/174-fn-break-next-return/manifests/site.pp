function firstbig(Array[Integer] $a) >> Integer {
  $a.each |$x| { if $x > 10 { return $x } }
  Integer(-1)
}
notify { 'next': message => [1, 2, 3, 4].map |$x| { if $x % 2 == 0 { next('even') } $x } }
notify { 'break': message => [1, 2, 3, 4].filter |$x| { if $x == 3 { break() } true } }
notify { 'return': message => [firstbig([5, 50, 500]), firstbig([1])] }
