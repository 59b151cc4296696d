notify { 'array-with-undef': message => [1, undef, 'x'] }
notify { 'hash-with-undef': message => { 'a' => undef, 'b' => 2 } }
notify { 'undef-eq': message => [undef == undef, undef == '', '' == undef] }
notify { 'default-eq': message => default == default }
notify { 'undef-bool': message => [!undef, !'', !0, ![]] }
