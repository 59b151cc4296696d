$secret = Sensitive('s3cret')
$d1 = Deferred('join', [[1, 2, 3], ':'])
$d2 = Deferred.new('sprintf', ['%s-%s', 'a', 'b'])
file { '/tmp/kasper-deferred/a':
  content => $d1,
}
file { '/tmp/kasper-deferred/b':
  content => Deferred('unwrap', [$secret]),
}
notify { 'nested':
  message => [Deferred('join', [['x', 'y'], '+']), { 'k' => $d2, 'n' => 1 }],
}
notify { 'undef-argument':
  message => Deferred('pick', [undef, 'fallback']),
}
notify { 'no-arguments':
  message => Deferred('f'),
}
notify { 'hash-form':
  message => Deferred({ 'name' => '$facts', 'arguments' => ['os', 'family'] }),
}
notify { 'deep-sensitive':
  message => Deferred('sprintf', ['%s', { 'k' => [$secret] }]),
}
notify { 'sensitive-deferred':
  message => Sensitive(Deferred('join', [['a'], ''])),
}
notify { 'strings':
  message => "${d1} ${Deferred('f')}",
}
notify { 'types':
  message => "${type($d1)} ${$d1 =~ Deferred} ${$d1 =~ Object} ${$d1 =~ RichData} ${$d1 =~ Data} ${type($d1, generalized)}",
}
notify { 'attributes':
  message => [$d1.name, $d1.arguments, $d1 == Deferred('join', [[1, 2, 3], ':']), $d1 == $d2],
}
assert_type(Optional[Variant[String, Deferred]], $d1)
notify { 'rich-arguments':
  message => Deferred('f', [Sensitive, Integer[1, 2], /re+/, default, File['/x'], Class['main'], 1.5, 2.0, { 1 => 'int-key' }]),
}
