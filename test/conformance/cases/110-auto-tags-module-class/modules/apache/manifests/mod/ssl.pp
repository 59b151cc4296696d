class apache::mod::ssl {
  notify { 'ssl-enabled': }
  file { '/etc/apache2/mods-enabled/ssl.load': ensure => link }
  notify { 'Title With Spaces': }
}
