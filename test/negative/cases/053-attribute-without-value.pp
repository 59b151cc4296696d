file { '/tmp/a':
  ensure =>,
}
