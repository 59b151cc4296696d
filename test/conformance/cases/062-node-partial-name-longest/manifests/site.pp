node 'web01' { notify { 'matched': message => 'web01' } }
node 'web01.example' { notify { 'matched': message => 'web01.example' } }
node default { notify { 'matched': message => 'default' } }
