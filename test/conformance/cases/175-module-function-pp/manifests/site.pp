notify { 'fn': message => [mylib::double(21), 5.mylib::double] }
