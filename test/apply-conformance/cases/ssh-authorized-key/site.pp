# ssh_authorized_key: keys in a target file (kept 0600 and owned by the user), options with
# quoted commas, type aliases (rsa, ed25519), a key changed in place, one removed, the
# unnamed key and the comment lines left alone, and a new file in a folder that exists.
Ssh_authorized_key { user => 'root', target => '@ROOT@/home/.ssh/authorized_keys' }
ssh_authorized_key { 'alice@laptop': type => 'rsa', key => 'AAAAB3NzaC1yc2EAAAADAQABAAABAQKasperTestKeyTwo2222222222222222', options => ['from="192.0.2.0/24"'] }
ssh_authorized_key { 'bob@desk': type => 'ssh-ed25519', key => 'AAAAC3NzaC1lZDI1NTE5AAAAIKasperTestKeyOne111111111111111111111111111', options => ['no-pty', 'command="/bin/echo hi, there"'] }
ssh_authorized_key { 'carol@new': type => 'ed25519', key => 'AAAAC3NzaC1lZDI1NTE5AAAAIKasperTestKeyThree33333333333333333333333' }
ssh_authorized_key { 'old@gone': ensure => absent }
ssh_authorized_key { 'dave@other': type => 'ssh-rsa', key => 'AAAAB3NzaC1yc2EAAAADAQABAAABAQKasperTestKeyTwo2222222222222222', target => '@ROOT@/other_keys' }
