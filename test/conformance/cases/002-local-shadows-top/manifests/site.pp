$x = 'top'

class shadow {
  $x = 'local'
  notify { 'shadow': message => "local=${x} top=${::x}" }
}

include shadow
notify { 'top': message => $x }
