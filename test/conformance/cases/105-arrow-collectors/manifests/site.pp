package { ['p1', 'p2']: ensure => installed }
@file { '/etc/v.conf': ensure => file, tag => 'cfg' }
file { '/etc/r.conf': ensure => file, tag => 'cfg' }
Package <| |> -> File <| tag == 'cfg' |>
