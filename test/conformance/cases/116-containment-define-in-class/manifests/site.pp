define d { notify { "in-${title}": } }
class holder { d { 'x': } }
include holder
