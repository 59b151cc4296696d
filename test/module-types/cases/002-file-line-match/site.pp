# match replaces the matching line; multiple replaces every one; with
# replace_all_matches_not_matching_line even when the line is there already (MODULES-5003);
# replace => false leaves a match alone; match and after together; append_on_no_match.
file_line { 'root login':
  path  => "${root}/sshd",
  line  => 'PermitRootLogin no',
  match => '^PermitRootLogin',
}
file_line { 'password auth':
  path  => "${root}/sshd",
  line  => 'PasswordAuthentication no',
  match => '^#?PasswordAuthentication',
}
file_line { 'x11 kept':
  path    => "${root}/sshd",
  line    => 'X11Forwarding no',
  match   => '^X11Forwarding',
  replace => false,
}
file_line { 'hard core':
  path                                  => "${root}/sshd",
  line                                  => 'hard core 0',
  match                                 => '^hard\s+core',
  multiple                              => true,
  replace_all_matches_not_matching_line => true,
}
file_line { 'soft core':
  path     => "${root}/sshd",
  line     => 'soft core 0',
  match    => '^soft core',
  multiple => true,
}
file_line { 'listen':
  path  => "${root}/listen",
  line  => 'ListenAddress 0.0.0.0',
  match => '^ListenAddress 0',
  after => '^\[net\]$',
}
file_line { 'no append':
  path               => "${root}/listen",
  line               => 'Port 22',
  match              => '^Port ',
  append_on_no_match => false,
}
file_line { 'case insensitive':
  path  => "${root}/listen",
  line  => 'other = 1',
  match => '(?i)^OTHER$',
}
