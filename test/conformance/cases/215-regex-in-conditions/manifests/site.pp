$s = 'key=value'
if $s =~ /^(\w+)=(\w+)$/ {
  $k = $1
  $v = $2
  if 'inner-42' =~ /(\d+)/ {
    notify { 'inner': message => "inner ${1}" }
  }
  notify { 'outer': message => "${k} -> ${v}, now 1=${1}" }
}
notify { 'after': message => "after if: [${1}]" }
