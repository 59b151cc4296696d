# The base profile: an admin group and users, a message of the day, SSH, time and a firewall.
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
      shell      => '/bin/bash',
      managehome => true,
      require    => Group[$admin],
    }
  }

  file { '/etc/motd':
    ensure  => file,
    mode    => '0644',
    content => epp('base/motd.epp', { 'admins' => $admins }),
  }

  include ssh
  include timesync
  include base::firewall
}
