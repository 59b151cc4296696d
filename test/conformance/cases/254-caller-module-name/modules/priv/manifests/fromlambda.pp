class priv::fromlambda { notify { "priv::fromlambda caller '${caller_module_name}'": } }
