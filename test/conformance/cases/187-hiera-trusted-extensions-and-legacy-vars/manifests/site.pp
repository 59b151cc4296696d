notify { 'role-data': message => lookup('role::label') }
notify { 'host-data': message => lookup('host::label') }
notify { 'domain-data': message => lookup('domain::label') }
