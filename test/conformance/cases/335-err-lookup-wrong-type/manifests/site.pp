notify { 'x': message => lookup('app::port', Integer) }
