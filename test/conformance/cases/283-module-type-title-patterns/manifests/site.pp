thing_endpoint { 'RegionOne/api::public':
  ensure => present,
  url    => 'http://api.example.com',
}
thing_endpoint { 'db::internal':
  ensure => present,
  kind   => 'private',
}
thing_endpoint { 'plain':
  ensure => present,
}
