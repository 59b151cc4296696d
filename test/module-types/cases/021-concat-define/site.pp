# The concat module's defined types, as sites use them: the warn header, fragments by name.
concat { "${root}/motd":
  warn => true,
  mode => '0644',
}
concat::fragment { 'motd body':
  target  => "${root}/motd",
  content => "Welcome\n",
  order   => '10',
}
concat::fragment { 'motd footer':
  target  => "${root}/motd",
  content => "Bye\n",
  order   => '99',
}
concat { "${root}/custom-warn":
  warn => "# managed\n",
}
concat::fragment { 'custom body':
  target  => "${root}/custom-warn",
  content => "x\n",
}
