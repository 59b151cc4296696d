# augeas without incl: every lens loads what it knows under `root` (a folder standing for /),
# context paths as on a real system (a context under /files loads only the lenses for it).
augeas { 'hosts alias':
  root    => '@ROOT@',
  context => '/files/etc/hosts',
  onlyif  => "match 1/alias[. = 'extra'] size == 0",
  changes => 'set 1/alias[last()+1] extra',
}
augeas { 'sshd port':
  root    => '@ROOT@',
  context => '/files/etc/ssh/sshd_config',
  changes => ['set Port 2222', 'set ListenAddress[1] 0.0.0.0'],
}
augeas { 'no context':
  root    => '@ROOT@',
  changes => 'set /files/etc/ssh/sshd_config/PermitRootLogin no',
  require => Augeas['sshd port'],
}
