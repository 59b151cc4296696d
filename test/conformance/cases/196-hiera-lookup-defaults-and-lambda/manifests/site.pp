notify { 'lambda': message => lookup('no::such::key') |$key| { "no value for ${key}" } }
notify { 'default-hash': message => lookup('no::hash', Hash, 'hash', {}) }
notify { 'options-hash': message => lookup({ 'name' => ['no::first', 'app::second'], 'default_value' => 'none' }) }
