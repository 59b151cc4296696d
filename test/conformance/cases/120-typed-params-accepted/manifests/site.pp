class typed(
  Integer[1, 65535] $port,
  Enum['present', 'absent'] $ensure,
  Pattern[/\A\d+\.\d+\z/] $version,
  Variant[String, Integer] $either,
  Optional[String[1]] $maybe,
  Struct[{ name => String, Optional[uid] => Integer }] $user,
  Tuple[String, Integer, 1, 3] $tuple,
  Hash[String, Array[Integer]] $map,
  Array[Boolean, 2] $flags,
  Float $ratio,
  Numeric $num,
  Scalar $scalar,
  Data $data,
  Any $anything,
) {
  notify { 'typed': message => [$port, $ensure, $version, $either, $maybe, $user, $tuple, $map, $flags, $ratio, $num, $scalar, $data] }
}
class { 'typed':
  port     => 443,
  ensure   => 'present',
  version  => '1.2',
  either   => 7,
  maybe    => undef,
  user     => { 'name' => 'alice' },
  tuple    => ['a', 1, 2],
  map      => { 'x' => [1, 2] },
  flags    => [true, false],
  ratio    => 0.5,
  num      => 3,
  scalar   => 'text',
  data     => { 'k' => [1, 'two', undef] },
  anything => Integer,
}
