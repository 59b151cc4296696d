class shared { notify { 'shared': message => 'from site/' } }
