stage { 'pre': before => Stage['main'] }
stage { 'post': }
Stage['main'] -> Stage['post']
class repos { notify { 'repos': } }
class cleanup { notify { 'cleanup': } }
class normal { notify { 'normal': } }
class { 'repos': stage => 'pre' }
class { 'cleanup': stage => post }
include normal
