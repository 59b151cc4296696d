include foo
include qux
baz::d { 'fromsite': }
notify { "top caller '${caller_module_name}' module '${module_name}'": }
node default {
  include priv
  baz::d { 'fromnode': }
}
