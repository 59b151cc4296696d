notify { 'x': message => epp('tpl/bad.epp') }
