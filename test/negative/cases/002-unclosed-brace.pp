class foo {
  notice('x')
