class from_lambda {}
$out = ['a', 'b'].map |$x| {
  notify { "made-${x}": }
  include from_lambda
  $x
}
notify { 'map-result': message => $out }
