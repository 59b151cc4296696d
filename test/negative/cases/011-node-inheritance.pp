node 'base' {}
node 'web' inherits 'base' {
  notice('x')
}
