notify { 'type-in-string': message => "type: ${Integer[1, 2]} and ${Array[String]}" }
notify { 'type-value': message => Integer[0, 10] }
notify { 'type-in-array': message => [String, Optional[Integer]] }
notify { 'type-string-fn': message => String(Hash[String, Integer]) }
