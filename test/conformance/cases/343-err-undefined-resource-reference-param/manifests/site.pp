notify { 'a': require => Nosuchtype['x'] }
