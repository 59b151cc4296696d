class defaults(
  Integer $base = 10,
  Integer $double = $base * 2,
  String $family = $facts['os']['family'],
  String $upper = upcase($family),
  Array $list = [$base, $double],
) {
  notify { 'defaults': message => "${base} ${double} ${family} ${upper} ${list}" }
}
include defaults
