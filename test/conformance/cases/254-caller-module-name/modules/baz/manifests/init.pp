class baz { notify { "baz caller '${caller_module_name}' module '${module_name}'": } }
