# ensure => absent removes every copy of the exact line; with match_for_absence every line
# that matches (multiple); absent when the line is not there changes nothing.
file_line { 'gone':
  ensure => absent,
  path   => "${root}/f",
  line   => 'remove me',
}
file_line { 'old settings':
  ensure            => absent,
  path              => "${root}/f",
  match             => '^old=',
  match_for_absence => true,
  multiple          => true,
}
file_line { 'old single':
  ensure            => absent,
  path              => "${root}/f",
  line              => 'whatever',
  match             => '^old-single=',
  match_for_absence => true,
}
file_line { 'never there':
  ensure => absent,
  path   => "${root}/f",
  line   => 'not in the file',
}
