notify { 'empty': message => [empty(''), empty('x'), empty([]), empty([undef]), empty({}), empty({ 'a' => 1 }), empty(undef), empty(0), empty(Binary(''))] }
