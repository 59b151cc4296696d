class priv::child inherits priv::params { notify { "priv::child caller '${caller_module_name}'": } }
