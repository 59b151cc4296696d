notify { 'variadic': message => fns::count_args('a', 'b', 'c') }
notify { 'variadic-none': message => fns::count_args() }
