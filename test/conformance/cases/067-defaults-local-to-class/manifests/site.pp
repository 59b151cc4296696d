class setter {
  Notify { message => 'setter default' }
  notify { 'in-setter': }
}
class sibling { notify { 'in-sibling': } }
include setter
include sibling
notify { 'top': }
