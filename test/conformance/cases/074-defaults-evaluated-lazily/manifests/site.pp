class lazy {
  notify { 'declared-first': }
  Notify { message => 'late default' }
}
include lazy
