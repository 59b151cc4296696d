class foo::bar { notify { "foo::bar caller '${caller_module_name}' module '${module_name}'": } }
