define backend($address, $port = 80) { notify { "backend-${title}": message => "${address}:${port}" } }
@@backend { $facts['hostname']: address => $facts['networking']['ip'], port => 8080 }
