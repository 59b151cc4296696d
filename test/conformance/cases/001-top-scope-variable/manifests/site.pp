$greeting = 'hello'

class show {
  notify { 'from-class': message => "${greeting} / ${::greeting}" }
}

node default {
  include show
  notify { 'from-node': message => $greeting }
}
