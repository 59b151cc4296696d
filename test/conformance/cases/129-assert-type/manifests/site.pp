notify { 'ok': message => assert_type(Integer[0], 5) }
notify { 'mismatch': message => assert_type(Integer, 'five') |$expected, $actual| { "expected ${expected}, got ${actual}" } }
notify { 'string-type': message => assert_type('Array[String]', ['a']) }
