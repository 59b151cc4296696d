# Time synchronisation with chrony, from the servers Hiera gives (data/common.yaml).
class timesync (
  Array[String, 1] $servers,
) {
  package { 'chrony':
    ensure => installed,
  }
  -> file { '/etc/chrony/conf.d/kasper.conf':
    ensure  => file,
    mode    => '0644',
    content => epp('timesync/kasper.conf.epp', { 'servers' => $servers }),
  }
  ~> service { 'chrony':
    ensure => running,
    enable => true,
  }
}
