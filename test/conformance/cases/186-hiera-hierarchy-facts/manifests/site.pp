notify { 'ntp': message => lookup('ntp::servers') }
notify { 'pkg': message => lookup('web::package') }
notify { 'motd': message => lookup('motd::text') }
