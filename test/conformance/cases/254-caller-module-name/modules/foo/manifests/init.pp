class foo {
  include foo::bar
  include baz
  notify { "foo caller '${caller_module_name}' module '${module_name}'": }
  $x = foo::f()
  notify { "foo fn ${x}": }
  [1].each |$i| { notify { "foo lambda caller '${caller_module_name}'": } }
}
