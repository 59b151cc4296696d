# mount: every ensure (mounted, defined/present, unmounted, absent) from every state (absent,
# in fstab only, mounted only, both), a trailing slash in fstab, options and dump/pass
# defaults, on tmpfs in a mount namespace of the test's own.
Mount { target => '@ROOT@/fstab', device => 'tmpfs', fstype => 'tmpfs' }
mount { '@ROOT@/mnt/a': ensure => mounted, options => 'size=1m,mode=0755' }
mount { '@ROOT@/mnt/b': ensure => defined, options => 'size=2m' }
mount { '@ROOT@/mnt/c': ensure => unmounted }
mount { '@ROOT@/mnt/d': ensure => present, pass => 2, dump => 1 }
mount { '@ROOT@/mnt/e': ensure => mounted, options => 'size=1m,mode=0700' }
mount { '@ROOT@/mnt/old': ensure => absent }
mount { '@ROOT@/mnt/ghost': ensure => mounted, options => 'size=3m' }
