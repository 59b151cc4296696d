define app::vhost {
  assert_private('app::vhost is for app only')
  notify { "vhost ${title}": }
}
