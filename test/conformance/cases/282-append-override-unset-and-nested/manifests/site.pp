package { 'lvm2': }
package { 'tools': tag => ['a', ['b']] }
Package <| title == 'lvm2' |> { tag +> 'support-package' }
Package <| title == 'tools' |> { tag +> [['c'], 'd'] }
class base {
  file { '/tmp/x': require => [Package['lvm2']] }
  file { '/tmp/y': }
}
class sub inherits base {
  File['/tmp/x'] { require +> [[Package['tools']]] }
  File['/tmp/y'] { before +> Package['tools'] }
}
include sub
