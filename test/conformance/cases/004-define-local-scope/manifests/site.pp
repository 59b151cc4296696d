define greet(String $who = $title) {
  $line = "hi ${who}"
  notify { "greet-${title}": message => "${line} (name=${name})" }
}

greet { 'alice': }
greet { 'bob': who => 'Robert' }
$line = 'top line'
notify { 'top': message => $line }
