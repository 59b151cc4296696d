function foo::f() { "caller '${caller_module_name}' module '${module_name}'" }
