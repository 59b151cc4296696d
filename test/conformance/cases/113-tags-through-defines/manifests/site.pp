define mymod::vhost { notify { "vhost-${title}": } }
class mymod { mymod::vhost { 'www': } }
include mymod
