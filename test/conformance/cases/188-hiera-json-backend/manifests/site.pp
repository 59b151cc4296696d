notify { 'from-json': message => lookup('db::settings') }
notify { 'from-yaml': message => lookup('db::name') }
notify { 'json-wins': message => lookup('db::port') }
