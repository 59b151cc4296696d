@@file { "/etc/cluster/members/${facts['fqdn']}": ensure => file, content => $facts['networking']['ip'], tag => ['cluster'] }
@@notify { 'exported-notify': message => 'for others', tag => 'monitoring' }
notify { 'local': }
