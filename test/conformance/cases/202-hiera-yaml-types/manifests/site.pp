$keys = ['int', 'float', 'bool', 'quoted', 'octal', 'date', 'multiline', 'folded', 'empty']
$keys.each |$k| {
  $v = lookup("y::${k}")
  notify { "yaml-${k}": message => "${type($v, 'generalized')}: ${v}" }
}
