class inner { notify { 'inner': } }
class outer {
  Notify { message => 'outer default' }
  include inner
  notify { 'outer': }
}
class untouched { notify { 'untouched': } }
include untouched
include outer
