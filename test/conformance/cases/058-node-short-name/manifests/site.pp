node 'web01' { notify { 'matched': message => 'short name' } }
node default { notify { 'matched': message => 'default' } }
