notify { 'legacy': message => "${osfamily} ${::operatingsystemmajrelease} ${hostname}" }
notify { 'structured': message => "${facts['os']['name']} ${facts['os']['release']['major']} ${facts['os']['distro']['codename']}" }
notify { 'nested-var': message => $os['release']['full'] }
notify { 'interfaces': message => $facts['networking']['interfaces']['eth0']['ip'] }
notify { 'numbers': message => $facts['processors']['count'] + 1 }
class reader {
  notify { 'in-class': message => "${::fqdn} ${domain} ${facts['memory']['system']['total_bytes']}" }
}
include reader
