$a = [10, 20, 30, 40, 50]
$h = { 'a' => { 'b' => 'deep' }, 'n' => 1 }
$s = 'abcdefgh'
notify { 'a1': message => $a[1] }
notify { 'a-neg': message => $a[-1] }
notify { 'a-slice': message => $a[1, 2] }
notify { 'a-slice-neg': message => $a[-3, -1] }
notify { 'h-deep': message => $h['a']['b'] }
notify { 'h-missing': message => "[${h['zz']}]" }
notify { 's-char': message => $s[2] }
notify { 's-range': message => $s[1, 3] }
notify { 's-neg': message => $s[-2, 2] }
