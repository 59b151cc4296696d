class priv::internal {
  if $caller_module_name != $module_name { fail("priv::internal is private (called from '${caller_module_name}')") }
  notify { "priv::internal caller '${caller_module_name}'": }
}
