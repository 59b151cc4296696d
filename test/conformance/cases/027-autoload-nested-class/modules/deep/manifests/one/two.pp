class deep::one::two { notify { 'two': message => $title } }
