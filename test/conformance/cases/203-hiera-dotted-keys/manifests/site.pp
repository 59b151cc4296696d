notify { 'dig-hash': message => lookup('cfg::tree.a.b') }
notify { 'dig-array': message => lookup('cfg::tree.list.1') }
notify { 'quoted': message => lookup('"cfg::dotted.key"') }
