class db(Sensitive[String] $password) {
  file { '/etc/db.pass': ensure => file, content => $password }
}
include db
