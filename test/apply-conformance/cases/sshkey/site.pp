# sshkey: known hosts keyed by name and type (the title may be NAME@TYPE), host aliases
# written after the name with commas, a key changed in place, one removed.
Sshkey { target => '@ROOT@/ssh_known_hosts' }
sshkey { 'git.example.com': type => 'ssh-rsa', key => 'AAAAC3NzaC1lZDI1NTE5AAAAIKasperTestKeyOne111111111111111111111111111', host_aliases => ['192.0.2.3', 'git'] }
sshkey { 'new.example.com@ssh-ed25519': key => 'AAAAC3NzaC1lZDI1NTE5AAAAIKasperTestKeyThree33333333333333333333333' }
sshkey { 'old.example.com': type => 'ed25519', ensure => absent }
sshkey { 'fresh': type => 'rsa', key => 'AAAAB3NzaC1yc2EAAAADAQABAAABAQKasperTestKeyTwo2222222222222222', target => '@ROOT@/known_hosts' }
