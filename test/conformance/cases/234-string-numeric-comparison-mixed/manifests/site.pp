notify { 'sort-numeric-strings': message => sort(['10', '9', '100', '1']) }
notify { 'sort-versions': message => ['1.10', '1.9', '1.2'].sort |$a, $b| { versioncmp($a, $b) } }
