class profile::base(
  Stdlib::Absolutepath $conf_dir = '/etc/myapp',
  Stdlib::Port $port = 8080,
  Stdlib::Fqdn $server = $facts['networking']['fqdn'],
  Stdlib::IP::Address::V4 $bind = $facts['networking']['ip'],
) {
  $defaults = { 'workers' => 2, 'log' => 'info' }
  $config = merge($defaults, { 'log' => 'debug', 'port' => $port })
  $ensure_file = stdlib::ensure(true, 'file')
  $ensure_svc = stdlib::ensure('absent', 'service')
  $ensure_pkg = stdlib::ensure(true, 'package')
  file { "${conf_dir}/config.json":
    ensure  => $ensure_file,
    content => to_json_pretty($config),
  }
  notify { 'stdlib-values': message => {
    'pick'     => pick(undef, '', 'picked'),
    'delete'   => delete(['a', 'b', 'a', 'c'], 'a'),
    'prefix'   => prefix(['one', 'two'], 'p-'),
    'ensure'   => [$ensure_file, $ensure_svc, $ensure_pkg],
    'server'   => "${server}:${port} on ${bind}",
    'types'    => ['/tmp' =~ Stdlib::Absolutepath, 'tmp' =~ Stdlib::Absolutepath, 70000 =~ Stdlib::Port],
  } }
  ensure_packages(['curl', 'jq'], { 'ensure' => 'installed' })
  ensure_packages(['curl'])
}
node default {
  include profile::base
}
