define thing($x = 1) {
  notify { "thing ${title}": }
}
thing { 'one':
  x      => 2,
  before => Exec['nope'],
}
