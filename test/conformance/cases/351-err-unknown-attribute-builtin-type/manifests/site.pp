notify { 'fine': message => 'ok' }
file { '/etc/motd':
  ensure  => file,
  content => "hello\n",
  bogus   => 1,
}
