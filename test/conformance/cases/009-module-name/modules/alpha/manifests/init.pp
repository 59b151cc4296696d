class alpha {
  notify { 'alpha': message => "module=${module_name}" }
}
