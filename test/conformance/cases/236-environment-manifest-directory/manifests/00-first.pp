$order = 'first'
notify { 'a-file': message => $order }
