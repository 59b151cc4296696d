$x = 1
file { '/tmp/x':
  content => template('tpl/bad.erb'),
}
