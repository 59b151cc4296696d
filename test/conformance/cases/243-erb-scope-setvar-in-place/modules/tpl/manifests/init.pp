class tpl {
  $items = ['a', 'b']
  notify { 'rendered': message => template('tpl/outer.erb') }
  notify { 'after': message => "${_template_scope}" }
}
