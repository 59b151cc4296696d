define vhost(Integer $port) {}
vhost { 'a': port => 80 }
vhost { 'b': port => 'eighty' }
