apache::vhost { 'www': port => 8080 }
