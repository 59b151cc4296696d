notify { 'unique': message => lookup('users::admins', Array[String], 'unique') }
notify { 'first': message => lookup('users::admins') }
notify { 'unique-scalar': message => lookup('users::scalar', Any, 'unique') }
