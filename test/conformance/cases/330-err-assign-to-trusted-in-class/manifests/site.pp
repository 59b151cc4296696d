class c { $trusted = 'x' }
include c
