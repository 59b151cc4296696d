# cron: create, change, remove, adopt an unnamed entry Puppet made or a person wrote, the
# "# Puppet Name:" convention, environment lines, special schedules, names of days and months.
Cron { user => '@USER@' }
cron { 'backup': command => '/usr/local/bin/backup', hour => 2, minute => 30 }
cron { 'existing':
  command     => '/bin/true',
  minute      => [0, 30],
  environment => ['MAILTO=ops@example.com', 'PATH=/bin:/usr/bin'],
}
cron { 'special': command => '/bin/reboot-task', special => 'reboot' }
cron { 'names':
  command  => '/bin/weekly  ',
  weekday  => ['mon', 'Friday'],
  month    => 'jan',
  monthday => '1-15',
  hour     => '*/4',
  minute   => 'absent',
}
cron { 'adopted': command => '/usr/bin/adopt-me', minute => 15, hour => 3 }
cron { 'gone': ensure => absent }
cron { 'by target': command => '/bin/by-target', minute => '0-59/10', user => undef, target => '@USER@' }
