# A fragment from a local file, fragments without a final newline joined as they are, owner and
# group, backup => false, replace => false keeping a file that exists, twenty fragments in
# numeric order (10 after 9, 20 last: MODULES-3097).
concat_file { "${root}/joined.conf":
  owner  => 'root',
  group  => 'root',
  mode   => '0600',
  backup => false,
}
concat_fragment { 'from file': target => "${root}/joined.conf", order => '1', source => "${root}/part.txt" }
concat_fragment { 'no newline a': target => "${root}/joined.conf", order => '2', content => 'a' }
concat_fragment { 'no newline b': target => "${root}/joined.conf", order => '3', content => "b\n" }

concat_file { "${root}/kept.conf": replace => false }
concat_fragment { 'ignored': target => "${root}/kept.conf", content => "new\n" }

concat_file { "${root}/twenty.conf": }
range(1, 20).each |$i| {
  concat_fragment { "line ${i}": target => "${root}/twenty.conf", order => $i, content => "${i}\n" }
}
