function site_local(String $s) { "site:${s}" }
notify { 'env-fn': message => environment::tagline('x') }
notify { 'global-fn': message => plainfn('z') }
notify { 'site-fn': message => site_local('y') }
