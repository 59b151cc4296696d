# The base profile: an admin group and user, and a message of the day.
class base (
  String $admin         = 'ops',
  Array[String] $admins = ['alice', 'bob'],
) {
  group { $admin:
    ensure => present,
  }

  $admins.each |String $name| {
    user { $name:
      ensure     => present,
      groups     => [$admin],
      managehome => true,
      require    => Group[$admin],
    }
  }

  file { '/etc/motd':
    ensure  => file,
    mode    => '0644',
    content => epp('base/motd.epp', { 'admins' => $admins }),
  }
}
