define baz::e { notify { "baz::e ${title} caller '${caller_module_name}'": } }
