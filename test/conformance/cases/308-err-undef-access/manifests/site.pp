$settings = undef
notify { 'x': message => $settings['key'] }
