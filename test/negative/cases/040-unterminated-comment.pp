notice('x')
/* no end
