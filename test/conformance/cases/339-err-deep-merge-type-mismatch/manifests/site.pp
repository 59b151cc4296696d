notify { 'x': message => lookup('m::list', Array[Integer], 'unique') }
