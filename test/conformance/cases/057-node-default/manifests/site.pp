node 'web01.example.com' { notify { 'matched': message => 'web01' } }
node /^db/ { notify { 'matched': message => 'db' } }
node default { notify { 'matched': message => "default for ${trusted['certname']}" } }
