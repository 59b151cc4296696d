# augeas: changes with a context and incl/lens (the lens loads only the given file), changes
# already made (no run), onlyif with match/size, get and values, quoted values, ins/set of a new
# node, rm; the diff Puppet prints; noop never writes.
Augeas { lens => 'Sshd.lns', incl => '@ROOT@/sshd_config', context => '/files@ROOT@/sshd_config' }
augeas { 'sshd':
  changes => ['set PermitRootLogin no', 'set PasswordAuthentication no', 'rm X11Forwarding'],
}
augeas { 'already': changes => 'set Port 22' }
augeas { 'add host':
  lens    => 'Hosts.lns',
  incl    => '@ROOT@/hosts',
  context => '/files@ROOT@/hosts',
  onlyif  => "match *[canonical = 'db'] size == 0",
  changes => ['set 01/ipaddr 192.0.2.4', 'set 01/canonical db', 'set 01/alias[1] "db.example.com"'],
}
augeas { 'alias when localhost':
  lens    => 'Hosts.lns',
  incl    => '@ROOT@/hosts',
  context => '/files@ROOT@/hosts',
  onlyif  => 'get 1/canonical == localhost',
  changes => 'set 1/alias[1] lh',
  require => Augeas['add host'],
}
augeas { 'not when values differ':
  lens    => 'Hosts.lns',
  incl    => '@ROOT@/hosts',
  context => '/files@ROOT@/hosts',
  onlyif  => "values */canonical include nosuch",
  changes => 'rm 1',
}
augeas { 'shellvars':
  lens    => 'Shellvars.lns',
  incl    => '@ROOT@/default',
  context => '/files@ROOT@/default',
  changes => ['set FOO 2', 'set BAZ \'"with space"\'', 'rm BAR'],
}
