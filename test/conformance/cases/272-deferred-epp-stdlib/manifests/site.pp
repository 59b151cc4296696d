file { '/etc/app/deferred.conf':
  content => stdlib::deferrable_epp('app/conf.epp', { 'user' => 'admin', 'password' => Deferred('unwrap', [Sensitive('s3cret')]) }),
}
file { '/etc/app/rendered.conf':
  content => stdlib::deferrable_epp('app/conf.epp', { 'user' => 'admin', 'password' => 'plain' }),
}
