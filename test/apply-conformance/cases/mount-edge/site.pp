# mount edge cases from Puppet's issues: options changed on a mounted file system (remounted
# with the new ones), no options given (written 'defaults', PUP-1931), a title with a trailing
# slash (#6793), an entry without dump and pass, a ghost (mounted, not in the fstab) made absent,
# and lines of fewer fields kept as they are.
Mount { target => '@ROOT@/fstab', device => 'tmpfs', fstype => 'tmpfs' }
mount { '@ROOT@/mnt/opts': ensure => mounted, options => 'size=2m' }
mount { '@ROOT@/mnt/plain': ensure => mounted }
mount { '@ROOT@/mnt/slash/': ensure => defined, options => 'size=1m' }
mount { '@ROOT@/mnt/nodump': ensure => defined, options => 'size=1m' }
mount { '@ROOT@/mnt/ghostgone': ensure => absent }
