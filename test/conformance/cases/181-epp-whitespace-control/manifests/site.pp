notify { 'ws': message => epp('tpl/ws.epp') }
