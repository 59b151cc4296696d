class validated(
  String $path = '/etc/app',
  Integer $port = 8080,
  $mode = '0644',
) {
  validate_absolute_path($path)
  validate_absolute_path(['/a', 'C:/b', '\\\\server\\share'])
  validate_string($path, undef, 'x')
  validate_bool(true, false)
  validate_array([], [1])
  validate_hash({}, {'a' => 1})
  validate_integer($port, 65535, 1)
  validate_integer('42')
  validate_integer(['1', 2, '0x10'], 100)
  validate_numeric(1.5, 2)
  validate_numeric(['1e3', '-2.5'])
  validate_re($mode, '^[0-7]{4}$')
  validate_re('b', ['^a', '^b'])
  validate_ip_address('10.1.2.3')
  validate_ip_address('fe80::1')
  validate_ipv4_address('192.168.0.0/24')
  validate_ipv6_address('::1')
  validate_slength('abc', 3)
  validate_slength(['a', 'bb'], 5, 1)
  validate_legacy(Stdlib::Absolutepath, 'validate_absolute_path', $path)
  validate_legacy('Integer[1, 65535]', 'validate_integer', $port, 65535, 1)
  validate_legacy(Integer, 'validate_re', 7, '^x')
  validate_legacy(String, 'validate_integer', 9)
  $tests = {
    'is_absolute_path' => [is_absolute_path('/x'), is_absolute_path('x'), is_absolute_path('C:\\x'), is_absolute_path(undef)],
    'is_array' => [is_array([]), is_array('a'), is_array(undef)],
    'is_bool' => [is_bool(true), is_bool('true'), is_bool(undef)],
    'is_hash' => [is_hash({}), is_hash([]), is_hash(undef)],
    'is_string' => [is_string('a'), is_string('1'), is_string('1.0'), is_string('1.5'), is_string('01'), is_string(1), is_string(undef), is_string('1e5')],
    'is_integer' => [is_integer(1), is_integer('12'), is_integer('012'), is_integer('-3'), is_integer('1.0'), is_integer(1.0), is_integer(undef), is_integer("1\nx")],
    'is_float' => [is_float(1.5), is_float('1.5'), is_float('1'), is_float(1), is_float('1.50'), is_float('abc'), is_float(undef)],
    'is_numeric' => [is_numeric(1), is_numeric('1.5e3'), is_numeric('-0'), is_numeric('01'), is_numeric('.5'), is_numeric(undef)],
    'is_ip_address' => [is_ip_address('1.2.3.4'), is_ip_address('1.2.3'), is_ip_address('::ffff:1.2.3.4'), is_ip_address('10.0.0.0/8'), is_ip_address('x'), is_ip_address(undef)],
    'is_ipv4_address' => [is_ipv4_address('1.2.3.4'), is_ipv4_address('::1'), is_ipv4_address('256.1.1.1')],
    'is_ipv6_address' => [is_ipv6_address('::1'), is_ipv6_address('1.2.3.4'), is_ipv6_address('fe80::1/64')],
    'is_a' => [is_a('x', String), is_a(1, String), is_a([1], Array[Integer])],
    'dirname' => [dirname('/a/b/c'), dirname('/a/b/'), dirname('a'), dirname('/'), dirname('//a'), dirname('a/b'), dirname('/a')],
    'basename' => [basename('/a/b.txt'), basename('/a/b.txt', '.txt'), basename('/a/b.tar.gz', '.*'), basename('/a/b/'), basename('b'), basename('/'), basename('.bashrc', '.*')],
    'fqdn_rotate' => [fqdn_rotate(['a', 'b', 'c', 'd', 'e']), fqdn_rotate('abcdef'), fqdn_rotate([1, 2, 3], 'seed'), fqdn_rotate([]), fqdn_rotate(Integer[1, 40].map |$i| { $i }, 'x', 1)],
  }
  $tests.each |$name, $results| {
    notify { $name: message => join($results.map |$r| { String($r) }, ' ') }
  }
}
include validated
