class conf {
  file { '/etc/app.ini': ensure => file, content => epp('conf/app.ini.epp', { 'port' => 9000 }) }
  file { '/etc/app2.ini': ensure => file, content => epp('conf/app.ini.epp', { 'port' => 9001, 'debug' => true, 'hosts' => ['h1'] }) }
}
