define baz::d { notify { "baz::d ${title} caller '${caller_module_name}' module '${module_name}'": } baz::e { $title: } }
