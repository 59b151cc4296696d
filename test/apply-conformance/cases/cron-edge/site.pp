# cron edge cases: from a special schedule to time fields (special => absent), from time
# fields to a special one, weekday 7 and names of months in a
# list, a field reset to every value ('*'). (environment => absent is left out: Puppet 7.23 then
# reports the changes of every job in the crontab but writes none of them.)
Cron { user => '@USER@' }
cron { 'was special': command => '/bin/was-special', special => absent, minute => 5, hour => [1, 13] }
cron { 'had env': command => '/bin/had-env', weekday => 'sunday', hour => '*' }
cron { 'to special': command => '/bin/to-special', special => 'weekly' }
cron { 'months': command => '/bin/months', month => ['feb', 'December', '6-8'], monthday => 1, minute => 0, hour => 0 }
