notify { 'tpl': message => epp('tplfn/t.epp') }
