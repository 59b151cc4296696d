vhosts::site { 'a.example.com': port => 80 }
vhosts::site { 'b.example.com': port => 8080, aliases => ['www.b.example.com', 'b2.example.com'] }
