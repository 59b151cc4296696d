# Failures stay with their resource: several matches without multiple, several after lines,
# a file that does not exist; what depends on a failure is skipped, the rest applies.
file_line { 'two matches':
  path  => "${root}/f",
  line  => 'a=3',
  match => '^a=',
}
file_line { 'two afters':
  path  => "${root}/f",
  line  => 'c',
  after => '^b$',
}
file_line { 'no file':
  path => "${root}/missing",
  line => 'x',
}
file { "${root}/dependent":
  ensure  => file,
  content => "x\n",
  require => File_line['no file'],
}
file_line { 'fine':
  path => "${root}/f",
  line => 'ok',
}
