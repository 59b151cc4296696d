$values = { 'undef' => undef, 'false' => false, 'empty-string' => '', 'zero' => 0, 'empty-array' => [], 'empty-hash' => {}, 'string-false' => 'false', 'true' => true }
$values.each |$k, $v| {
  notify { "truthy-${k}": message => if $v { 'true' } else { 'false' } }
}
