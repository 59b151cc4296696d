Notify { message => 'from default', withpath => false }
notify { 'uses-default': }
notify { 'explicit': message => 'explicit' }
