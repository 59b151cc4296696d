# cron: jobs a previous Puppet (or Kasper) run wrote are adopted by name (its header is
# dropped), a resource without time fields matches an unnamed job by command, never a named
# one (Puppet #19876), an absent resource removes the unnamed jobs it matches, and extra
# whitespace in a job is not a change.
Cron { user => '@USER@' }
cron { 'puppet made this': command => '/usr/bin/made-by-puppet --flag', minute => '*/10', environment => 'MAILTO=ops@example.com' }
cron { 'blank': command => '/bin/true' }
cron { 'dup': command => '/bin/dup', ensure => absent }
cron { 'weekdays': command => '/usr/bin/weekday-job', minute => 30, hour => 1, weekday => '1-5' }
cron { 'spaced': command => '/bin/spaced', minute => 0, hour => 0 }
