$host = 'web01.prod.example.com'
if $host =~ /^(\w+?)(\d+)\.(\w+)\./ {
  notify { 'captures': message => "${0} | ${1} | ${2} | ${3}" }
}
notify { 'nomatch': message => $host !~ /^db/ }
notify { 'string-as-regex': message => 'abc' =~ 'b' }
notify { 'case': message => ['ABC' =~ /abc/, 'ABC' =~ /(?i)abc/] }
