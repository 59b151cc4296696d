class outer {
  class inner {
    notify { 'inner': message => $title }
  }
  notify { 'outer': }
}
include outer
include outer::inner
