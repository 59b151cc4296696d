class c {
  notify { 'c': }
}
class { 'c':
  notify => Service['nope'],
}
