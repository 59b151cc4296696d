notify { 'unique': message => lookup('pkgs::list', Array, 'unique') }
notify { 'deep': message => lookup('pkgs::opts', Hash, 'deep') }
