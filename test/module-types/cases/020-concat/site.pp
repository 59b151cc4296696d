# Fragments in numeric order (2 before 10; the same order by name), in alpha order, by tag,
# with ensure_newline, mode, validate_cmd, and a concat_file that removes its file.
concat_file { "${root}/numeric.conf":
  mode         => '0640',
  validate_cmd => '/bin/grep -q header %',
}
concat_fragment { 'ten': target => "${root}/numeric.conf", order => '10', content => "ten\n" }
concat_fragment { 'two': target => "${root}/numeric.conf", order => 2, content => "two\n" }
concat_fragment { 'header': target => "${root}/numeric.conf", order => '0', content => "# header\n" }
concat_fragment { 'named': target => "${root}/numeric.conf", order => '20', content => "named\n" }
concat_fragment { 'b same order': target => "${root}/numeric.conf", order => '05', content => "five b\n" }
concat_fragment { 'a same order': target => "${root}/numeric.conf", order => '5', content => "five a\n" }

concat_file { 'alpha':
  path           => "${root}/alpha.conf",
  order          => 'alpha',
  ensure_newline => true,
}
concat_fragment { 'alpha 10': target => 'alpha', order => '10', content => 'ten' }
concat_fragment { 'alpha 9': target => 'alpha', order => '9', content => 'nine' }
concat_fragment { 'alpha 100': target => 'alpha', order => '100', content => "hundred\n" }

concat_file { 'tagged':
  path => "${root}/tagged.conf",
  tag  => 'mytag',
}
concat_fragment { 'by tag': tag => 'mytag', content => "tagged\n" }

concat_file { "${root}/gone.conf": ensure => absent }
