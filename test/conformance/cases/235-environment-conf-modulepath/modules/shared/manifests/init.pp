class shared { notify { 'shared': message => 'from modules/' } }
