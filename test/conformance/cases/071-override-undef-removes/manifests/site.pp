class base { notify { 'target': message => 'base message', withpath => true } }
class base::quiet inherits base { Notify['target'] { withpath => undef } }
include base::quiet
