class qux::inner { notify { "qux::inner caller '${caller_module_name}'": } }
