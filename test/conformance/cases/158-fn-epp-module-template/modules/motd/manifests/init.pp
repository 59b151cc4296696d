class motd(String $owner, Array[String] $notes = ['be nice', 'no root']) {
  file { '/etc/motd':
    ensure  => file,
    content => epp('motd/motd.epp', { 'owner' => $owner, 'notes' => $notes }),
  }
}
