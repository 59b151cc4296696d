class lambdas {
  $prefix = 'item'
  $x = 'outer'
  $result = [1, 2, 3].map |$x| {
    $inner = "${prefix}-${x}"
    $inner
  }
  notify { 'mapped': message => $result }
  notify { 'x-after': message => $x }
}
include lambdas
