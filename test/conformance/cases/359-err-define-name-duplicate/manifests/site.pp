define site::vhost($port = 80) { }
site::vhost { 'main': name => 'www.example.com' }
site::vhost { 'www.example.com': port => 8080 }
