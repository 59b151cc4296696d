include deep::one::two
include deep
deep::one::thing { 'x': }
