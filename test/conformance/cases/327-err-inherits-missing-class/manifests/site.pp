class child inherits no_such_parent {}
include child
