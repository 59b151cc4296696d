class app::config {
  assert_private()
  notify { "config from '${caller_module_name}'": }
}
