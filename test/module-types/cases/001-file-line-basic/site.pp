# Appending, appending to a file without a final newline, putting a line after a match,
# several resources on one file, and a line already there.
file_line { 'sudo ops':
  path => "${root}/sudoers",
  line => '%ops ALL=(ALL) NOPASSWD: ALL',
}
file_line { 'sudo root again':
  path => "${root}/sudoers",
  line => 'root ALL=(ALL) ALL',
}
file_line { 'no newline':
  path => "${root}/nonl",
  line => 'second',
}
file_line { 'after main':
  path  => "${root}/after.conf",
  line  => 'y = 2',
  after => '^\[main\]',
}
file_line { 'after nothing':
  path  => "${root}/after.conf",
  line  => 'z = 3',
  after => '^\[absent\]$',
}
