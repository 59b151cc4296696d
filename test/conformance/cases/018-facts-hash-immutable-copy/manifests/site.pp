class local_fact {
  $hostname = 'overridden'
  notify { 'local': message => "${hostname} vs ${::hostname} vs ${facts['hostname']}" }
}
include local_fact
notify { 'same': message => $facts['fqdn'] == $fqdn }
