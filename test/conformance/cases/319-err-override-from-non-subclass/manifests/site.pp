class declares { notify { 'target': message => 'original' } }
class intruder { Notify['target'] { message => 'changed' } }
include declares
include intruder
