class app::config {
  $port = 8080
  $names = ['a', 'b']
}
