notify { 'paths': message => lookup('p::list', Array, 'unique') }
notify { 'glob': message => lookup('g::value') }
notify { 'mapped': message => lookup('m::settings', Hash, 'hash') }
