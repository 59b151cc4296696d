$a = @("END"/tn)
  col1\tcol2\nnext
  | END
$b = @(END)
  literal \t and \n
  | END
$c = @("END"/$)
  price: \$5
  | END
$d = @(END/L)
  one \
  line
  | END
notify { 'tn': message => $a }
notify { 'literal': message => $b }
notify { 'dollar': message => $c }
notify { 'joined': message => $d }
