class named {
  notify { 'class-title': message => "title=${title} name=${name}" }
}
define thing($extra = 'none') {
  notify { "thing-${title}": message => "title=${title} name=${name} extra=${extra}" }
}
include named
thing { 'first': }
thing { 'second': name => 'renamed' }
