notify { 'interp': message => "before[${nosuchvar}]after" }
notify { 'is-undef': message => $nosuchvar =~ Undef }
notify { 'eq-undef': message => $nosuchvar == undef }
notify { 'fallback': message => pick_default_like($nosuchvar) }
function pick_default_like($v) { if $v == undef { 'was undef' } else { $v } }
