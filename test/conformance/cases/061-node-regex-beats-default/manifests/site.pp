node default { notify { 'matched': message => 'default' } }
node /cache/ { notify { 'matched': message => 'regex' } }
