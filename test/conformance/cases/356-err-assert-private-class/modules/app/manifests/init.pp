class app {
  include app::config
  app::vhost { 'www': }
}
