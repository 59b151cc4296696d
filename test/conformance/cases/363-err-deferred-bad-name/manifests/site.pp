notify { 'x':
  message => Deferred('Bad_Name', [1]),
}
