$checks = [1 =~ Float, 1.0 =~ Float, 1 =~ Numeric, 1.0 =~ Integer, 2.0 =~ Float[2.0, 2.0], 2 =~ Integer[2, 2]]
notify { 'numeric-types': message => $checks }
