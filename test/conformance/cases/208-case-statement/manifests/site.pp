$distro = 'Ubuntu'
case $distro {
  'debian', 'ubuntu': { notify { 'case-multi': message => 'deb family (case-insensitive)' } }
  default: { notify { 'case-multi': message => 'other' } }
}
case 'db07.example.com' {
  /^web/: { notify { 'case-regex': message => 'web' } }
  /^db(\d+)\.(.*)$/: { notify { 'case-regex': message => "db ${1} in ${2}" } }
}
case 'nothing' {
  'a': { notify { 'never': } }
}
$r = case 5 { 1, 2: { 'low' } 5: { 'five' } default: { 'high' } }
notify { 'case-value': message => $r }
case [1, 2] {
  [1, 2]: { notify { 'case-array': message => 'array equal' } }
  default: { notify { 'case-array': message => 'no' } }
}
