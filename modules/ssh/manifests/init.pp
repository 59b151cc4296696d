# OpenSSH server with key-only logins; a changed setting restarts the daemon.
class ssh (
  Boolean $permit_root_login       = false,
  Boolean $password_authentication = false,
  Integer[1, 65535] $port          = 22,
) {
  package { 'openssh-server':
    ensure => installed,
  }

  file { '/etc/ssh/sshd_config.d/kasper.conf':
    ensure  => file,
    mode    => '0644',
    content => epp('ssh/kasper.conf.epp', {
      'permit_root_login'       => $permit_root_login,
      'password_authentication' => $password_authentication,
      'port'                    => $port,
    }),
    require => Package['openssh-server'],
    notify  => Service['ssh'],
  }

  service { 'ssh':
    ensure => running,
    enable => true,
  }
}
