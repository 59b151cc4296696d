# mailalias: recipients as a list (quoted when they hold other characters), :include: files,
# an alias changed in place, one removed, a new one, and a new target file.
Mailalias { target => '@ROOT@/aliases' }
mailalias { 'webmaster': recipient => ['root', 'ops@example.com'] }
mailalias { 'postmaster': recipient => 'root' }
mailalias { 'support': recipient => ['help desk', '|/usr/local/bin/ticket'] }
mailalias { 'old': ensure => absent }
mailalias { 'list': file => '/etc/mail/list2' }
mailalias { 'fresh': recipient => 'root', target => '@ROOT@/aliases.new' }
