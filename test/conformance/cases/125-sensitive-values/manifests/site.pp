$secret = Sensitive('hunter2')
file { '/etc/secret': ensure => file, content => $secret }
notify { 'redacted': message => "value is ${secret}" }
notify { 'unwrapped': message => $secret.unwrap.length }
user { 'svc': password => Sensitive('hash'), comment => 'service' }
