$values = [42, 'text', [1], { 'a' => 1 }, undef, 3.14]
$values.each |$i, $v| {
  $kind = case $v {
    Integer: { 'integer' }
    Float: { 'float' }
    String: { 'string' }
    Array: { 'array' }
    Hash: { 'hash' }
    default: { 'other' }
  }
  $sel = $v ? { Numeric => 'num', Undef => 'undef', default => 'not num' }
  notify { "case-${i}": message => "${kind}/${sel}" }
}
