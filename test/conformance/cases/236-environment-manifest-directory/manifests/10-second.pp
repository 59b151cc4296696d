notify { 'b-file': message => "second sees ${order}" }
