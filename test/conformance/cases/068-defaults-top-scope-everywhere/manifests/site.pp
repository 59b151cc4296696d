Notify { message => 'top default' }
class plain { notify { 'plain': } }
class closer {
  Notify { message => 'closer default' }
  notify { 'closer': }
}
define wrapped { notify { "wrapped-${title}": } }
include plain, closer
wrapped { 'w': }
