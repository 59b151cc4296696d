notify { 'top': }
class c { notify { 'in-c': } }
node default {
  include c
  notify { 'in-node': }
}
