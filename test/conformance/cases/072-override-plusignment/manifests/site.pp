class base {
  notify { 'a': }
  notify { 'b': }
  notify { 'target': require => Notify['a'], tag => ['one'] }
}
class base::more inherits base {
  Notify['target'] { require +> Notify['b'], tag +> 'two' }
}
include base::more
