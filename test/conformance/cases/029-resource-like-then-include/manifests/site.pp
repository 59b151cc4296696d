class once($v = 'default') { notify { 'once': message => $v } }
class { 'once': v => 'explicit' }
include once
