include util
notify { 'environment-function': message => site_tag('db') }
