# filebucket: a named bucket is accepted and changes nothing itself; a resource writing a file
# still backs it up (Kasper: to its local bucket) and applies as without it.
filebucket { 'main': path => false, server => 'puppet.example.com' }
filebucket { 'local': path => '@ROOT@/bucket' }
host { 'new': ip => '192.0.2.2', target => '@ROOT@/hosts' }
