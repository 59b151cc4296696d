class empty {}
define nothing {}
include empty
nothing { 'n': }
