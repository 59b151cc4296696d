notify { 'x': message => epp('tpl/needs.epp', {}) }
