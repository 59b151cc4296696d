unless $facts['is_virtual'] { notify { 'physical': } } else { notify { 'virtual': } }
unless undef { notify { 'unless-undef': } }
unless '' { notify { 'unless-empty-string': } }
$u = unless false { 'ran' }
notify { 'unless-value': message => $u }
