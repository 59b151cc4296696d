define site($port = 80) { notify { "site-${title}": message => $port } }
Site { port => 8080, tag => 'sites' }
site { 'a': }
site { 'b': port => 9090 }
