notify { 'hash': message => lookup('app::config', Hash, 'hash') }
