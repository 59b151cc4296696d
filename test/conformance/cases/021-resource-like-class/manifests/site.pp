class ntpish(
  Array[String] $servers = ['0.pool.ntp.org'],
  Boolean $iburst = true,
  String $config = '/etc/ntp.conf',
) {
  notify { 'ntpish': message => "${servers.join(',')} iburst=${iburst} ${config}" }
}
class { 'ntpish':
  servers => ['a.example.com', 'b.example.com'],
  iburst  => false,
}
