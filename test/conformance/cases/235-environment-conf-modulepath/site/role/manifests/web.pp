class role::web { notify { 'role-web': message => "env=${environment}" } }
