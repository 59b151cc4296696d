# Exported resources are for other nodes to collect: the exporting node applies none of them,
# nor the resources of an exported defined type; its own resources are applied as usual.
file { '@ROOT@/local': ensure => directory }
@@file { '@ROOT@/exported': ensure => directory }
@@host { 'exported.example.com': ip => '192.0.2.10', target => '@ROOT@/hosts' }
define backend($mode) { file { "@ROOT@/backend-${title}": ensure => directory, mode => $mode } }
@@backend { 'web01': mode => '0700' }
backend { 'local': mode => '0750' }
File <| title == '@ROOT@/local' |> { mode => '0710' }
