class inner { notify { 'inner': } }
class outer { include inner notify { 'outer': } }
include outer
