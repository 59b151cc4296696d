class svc {
  notify { 'svc': message => 'parent', withpath => false }
}
class svc::debug inherits svc {
  Notify['svc'] { message => 'child', withpath => true }
}
include svc::debug
