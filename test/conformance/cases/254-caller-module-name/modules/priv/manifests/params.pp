class priv::params { notify { "priv::params caller '${caller_module_name}'": } }
