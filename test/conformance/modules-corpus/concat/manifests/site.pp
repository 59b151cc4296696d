define motd::line(String $text, String $order = '50') {
  concat::fragment { "motd-${title}":
    target  => '/etc/motd',
    content => "${text}\n",
    order   => $order,
  }
}
node default {
  concat { '/etc/motd':
    owner => 'root',
    group => 'root',
    mode  => '0644',
  }
  concat::fragment { 'motd-header':
    target  => '/etc/motd',
    content => "Welcome to ${facts['networking']['fqdn']}\n",
    order   => '01',
  }
  motd::line { 'os': text => "${facts['os']['name']} ${facts['os']['release']['full']}", order => '10' }
  motd::line { 'footer': text => 'Managed by Puppet', order => '99' }
}
