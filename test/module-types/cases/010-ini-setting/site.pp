# Values changed in place (the line's spacing kept), a new setting after its commented-out
# copy, a new one at the end of its section (before the blank lines), one in the global section,
# a new section at the end, a new file, a setting already right, numbers and booleans.
Ini_setting { path => "${root}/puppet.conf" }
ini_setting { 'server': section => 'main', setting => 'server', value => 'puppet.example.com' }
ini_setting { 'port': section => 'main', setting => 'port', value => 8141 }
ini_setting { 'runinterval': section => 'main', setting => 'runinterval', value => '1h' }
ini_setting { 'certname': section => 'main', setting => 'certname', value => ' web01 ' }
ini_setting { 'global': setting => 'global_key', value => '2' }
ini_setting { 'global new': section => '', setting => 'other', value => 'x' }
ini_setting { 'report': section => 'agent', setting => 'report', value => true }
ini_setting { 'new section': section => 'master', setting => 'storeconfigs', value => false }
ini_setting { 'new file':
  path    => "${root}/new.ini",
  section => 'one',
  setting => 'a',
  value   => 'b',
}
ini_setting { 'new file 2':
  path    => "${root}/new.ini",
  section => 'two',
  setting => 'c',
  value   => 'd',
}
