@file { '/etc/a.conf': ensure => file }
@file { '/etc/b.conf': ensure => file }
File <| title == '/etc/b.conf' |>
File <| title == '/etc/none.conf' |>
