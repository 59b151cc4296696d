$small = Integer[1, 120].map |$i| { fqdn_rand($i) }
$seeded = Integer[1, 120].map |$i| { fqdn_rand(60, "job ${i}") }
$big = [4294967295, 4294967296, 4294967297, 1099511627776, 4611686018427387904, 9223372036854775807].map |$m| { fqdn_rand($m, 'big') }
$kinds = [
  fqdn_rand(30), fqdn_rand(30, 5), fqdn_rand(30, 'expensive job 1'), fqdn_rand(30, ['a', 'b']), fqdn_rand(30, undef),
  fqdn_rand(30, 1.5), fqdn_rand(30, 'x', true), fqdn_rand(30, 'x', false), fqdn_rand('30'), fqdn_rand(30.9),
  fqdn_rand(1), fqdn_rand(2, ''), fqdn_rand(1000, 'a', undef),
]
notify { 'small': message => join($small, ' ') }
notify { 'seeded': message => join($seeded, ' ') }
notify { 'big': message => join($big, ' ') }
notify { 'kinds': message => join($kinds, ' ') }
exec { 'spread': command => '/bin/true', timeout => fqdn_rand(60), tries => fqdn_rand(24, 'hour') + 1 }
