class later { $v = 'set' }
notify { 'early': message => "early=[${later::v}]" }
include later
notify { 'late': message => "late=[${later::v}]" }
