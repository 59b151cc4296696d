# Fragments whose content is Deferred, through concat's defines (a core function, nested calls,
# $facts): the agent resolves them before concat_file reads its fragments.
concat { "${root}/deferred.conf": }
concat::fragment { 'header':
  target  => "${root}/deferred.conf",
  order   => '01',
  content => Deferred('sprintf', ["# %s\n", 'managed by puppet']),
}
concat::fragment { 'joined':
  target  => "${root}/deferred.conf",
  order   => '02',
  content => Deferred('join', [[Deferred('sprintf', ['port=%d', 8080]), Deferred('$facts', ['os', 'family']), ''], "\n"]),
}
concat::fragment { 'plain':
  target  => "${root}/deferred.conf",
  order   => '03',
  content => "plain\n",
}
