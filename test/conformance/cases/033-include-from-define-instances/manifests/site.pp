class shared { notify { 'shared': } }
define user_of_shared { include shared notify { "user-${title}": } }
user_of_shared { ['one', 'two', 'three']: }
