file { '/etc/issue':
  ensure  => file,
  content => @("EOF"),
    Debian ${facts['os']['release']['full']} \n \l
    managed by puppet
    | EOF
  mode    => '0644',
}
