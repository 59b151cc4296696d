class app {
  $v = hiera('app::missing')
}
include app
