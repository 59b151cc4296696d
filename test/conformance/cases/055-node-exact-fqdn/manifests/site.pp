node 'web01.example.com' { notify { 'matched': message => 'exact fqdn' } }
node default { notify { 'matched': message => 'default' } }
