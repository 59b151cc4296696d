notify { 'ok': }
notify { 'broken' message => 'missing colon' }
