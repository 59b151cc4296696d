class base { notify { 'base': } }
class wrapper {
  contain base
  notify { 'wrapper': }
}
include base
include wrapper
