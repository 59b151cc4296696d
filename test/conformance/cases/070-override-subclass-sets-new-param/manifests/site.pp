class declares { notify { 'target': withpath => false } }
class declares::amends inherits declares { Notify['target'] { message => 'amended', withpath => true } }
include declares::amends
