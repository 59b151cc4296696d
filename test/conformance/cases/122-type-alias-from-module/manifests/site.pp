class { 'net::listener': port => 8443, bind => '10.0.0.11', proto => 'tcp' }
notify { 'alias-match': message => [8443 =~ Net::Port, 70000 =~ Net::Port, 'udp' =~ Net::Proto, { 'port' => 1, 'proto' => 'tcp' } =~ Net::Endpoint] }
