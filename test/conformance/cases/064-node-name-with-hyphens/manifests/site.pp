node 'build-agent-3.ci.example.com' { notify { 'matched': message => 'hyphenated' } }
node default { notify { 'matched': message => 'default' } }
