class { 'net::server': port => 70000 }
