notify { 'packages': message => lookup('profile::base::packages') }
notify { 'users': message => lookup('profile::base::users') }
notify { 'regex-keyed': message => lookup('profile::web::limits') }
notify { 'override': message => lookup('profile::base::packages', Array, 'first') }
