notify { 'greeting': message => text::greet('world') }
notify { 'greeting-upper': message => text::greet('world', true) }
