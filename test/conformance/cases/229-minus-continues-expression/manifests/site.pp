function f() { 10 }
$a = [f()
-1]
notify { 'minus': message => $a }
