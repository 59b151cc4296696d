file { '/var/www/': ensure => directory }
file { '/var/log//': ensure => directory }
file { '/': }
file { '/etc/motd': content => "hi\n" }
file { 'named': path => '/srv/data/' }
file { ['/opt/a/', '/opt/b']: ensure => directory }
define mydir { file { "${title}/": ensure => directory } }
mydir { '/srv/app': }
package { 'vim/': }
