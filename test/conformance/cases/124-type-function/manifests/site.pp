$values = [1, 2.5, 'abc', true, [1, 2], { 'a' => 1 }, undef, /re/, Integer]
$values.each |$i, $v| {
  notify { "type-${i}": message => "${type($v)} / ${type($v, 'generalized')}" }
}
