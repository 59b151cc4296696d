# git repositories: a clone, one at a tag, one on a branch, one kept at the newest commit, a
# shallow clone, a bare clone, a repository made with git init. (Removing one is left out:
# Debian's vcsrepo 1.3.2 reports `ensure => absent` out of sync on every run.)
Vcsrepo { provider => git }
vcsrepo { "${root}/clone": ensure => present, source => "${root}/upstream" }
vcsrepo { "${root}/tag": ensure => present, source => "${root}/upstream", revision => 'v1' }
vcsrepo { "${root}/dev": ensure => present, source => "${root}/upstream", revision => 'dev' }
vcsrepo { "${root}/latest": ensure => latest, source => "${root}/upstream" }
vcsrepo { "${root}/shallow": ensure => present, source => "file://${root}/upstream", depth => 1 }
vcsrepo { "${root}/bare.git": ensure => bare, source => "${root}/upstream" }
vcsrepo { "${root}/init": ensure => present }
