# resources: purge users (not system users: uid up to UID_MIN-1 from login.defs, nor root,
# daemon, nobody …; nor unless_uid), hosts in /etc/hosts the catalog does not declare, and
# groups in noop (a metaparameter the purged resources take). Runs on a private /etc.
resources { 'user': purge => true, unless_uid => [2001] }
user { 'managed': ensure => present }
resources { 'host': purge => true }
host { 'keep.example.com': ip => '192.0.2.1' }
host { 'localhost': ip => '127.0.0.1' }
resources { 'group': purge => true, noop => true }
group { ['root', 'daemon', 'nogroup', 'managed']: ensure => present }
