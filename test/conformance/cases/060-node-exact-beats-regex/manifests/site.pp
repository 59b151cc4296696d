node /^web\d+/ { notify { 'matched': message => 'regex' } }
node 'web01.example.com' { notify { 'matched': message => 'exact' } }
