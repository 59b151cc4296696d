class ntp(Array[String] $servers = ['default.pool'], Boolean $iburst = false, String $driftfile = '/var/lib/ntp/drift') {
  notify { 'ntp': message => "${servers} iburst=${iburst} ${driftfile}" }
}
class other(String $flavour = 'vanilla') { notify { 'other': message => $flavour } }
include ntp
class { 'other': flavour => 'explicit' }
