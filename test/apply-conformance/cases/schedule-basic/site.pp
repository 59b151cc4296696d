# schedule: a resource is applied only inside its schedule: a range (the whole day), weekdays
# (all of them), period never, period daily (applied on the first run, not again the same day,
# even after drift), and Puppet's default 'daily' schedule; resources without one always.
schedule { 'always': range => '0 - 23:59:59' }
schedule { 'never-ever': period => never }
schedule { 'once-a-day': period => daily }
schedule { 'every-weekday': weekday => ['Sun', 'Mon', 'Tuesday', 'Wed', 'Thu', 'Fri', 6] }
Host { target => '@ROOT@/hosts' }
host { 'always': ip => '192.0.2.1', schedule => 'always' }
host { 'never': ip => '192.0.2.2', schedule => 'never-ever' }
host { 'daily': ip => '192.0.2.3', schedule => 'once-a-day' }
host { 'builtin-daily': ip => '192.0.2.4', schedule => 'daily' }
host { 'weekday': ip => '192.0.2.5', schedule => 'every-weekday' }
host { 'unscheduled': ip => '192.0.2.6' }
