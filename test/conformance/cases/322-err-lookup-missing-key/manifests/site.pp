notify { 'x': message => lookup('no::such::key') }
