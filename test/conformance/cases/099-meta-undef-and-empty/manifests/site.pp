notify { 'a': require => undef, tag => [] }
notify { 'b': before => [], noop => undef }
