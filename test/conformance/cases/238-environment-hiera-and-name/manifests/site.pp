notify { 'env-data': message => lookup('env::label') }
