node 'smtp.example.com', 'mail.example.com', /^mx\d+/ { notify { 'matched': message => 'mail group' } }
node default { notify { 'matched': message => 'default' } }
