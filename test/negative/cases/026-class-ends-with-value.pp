class foo {
  notice('x')
  42
}
