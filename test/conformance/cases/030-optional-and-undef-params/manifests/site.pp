class recorded(
  Optional[String] $none = undef,
  String $defaulted = 'dflt',
  $untyped = 1,
  Optional[Integer] $explicit_undef = 5,
  Hash $h = {},
) {
  notify { 'recorded': message => "[${none}] ${defaulted} ${untyped} [${explicit_undef}] ${h}" }
}
class { 'recorded': untyped => 'set', explicit_undef => undef, h => { 'k' => 'v' } }
