# resources: purging cron jobs the catalog does not declare, in every user's crontab (a private
# crontab spool in a mount namespace): named ones and unnamed ones.
resources { 'cron': purge => true }
cron { 'keep': command => '/bin/keep', user => '@USER@', hour => 1, minute => 0 }
