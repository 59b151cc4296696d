# Other section markers, separators and indentation; force_new_section_creation => false
# leaves a missing section alone; a section of its own (no setting).
ini_setting { 'odd':
  path              => "${root}/odd.conf",
  section           => 'global',
  setting           => 'name3',
  value             => 'z',
  section_prefix    => '<',
  section_suffix    => '>',
  key_val_separator => ': ',
}
ini_setting { 'odd change':
  path              => "${root}/odd.conf",
  section           => 'other',
  setting           => 'key',
  value             => 'w',
  section_prefix    => '<',
  section_suffix    => '>',
  key_val_separator => ':',
}
ini_setting { 'auto indent': path => "${root}/indent.ini", section => 's', setting => 'new', value => '3' }
ini_setting { 'tab indent':
  path         => "${root}/indent.ini",
  section      => 't',
  setting      => 'y',
  value        => '2',
  indent_char  => "\t",
  indent_width => 1,
  key_val_separator => '=',
}
ini_setting { 'no new section':
  path                       => "${root}/indent.ini",
  section                    => 'missing',
  setting                    => 'k',
  value                      => 'v',
  force_new_section_creation => false,
}
ini_setting { 'bare section': path => "${root}/indent.ini", section => 'bare' }
