$users = ['Alice', 'bob', ' Carol ']
notify { 'chain': message => $users.map |$u| { $u.strip.downcase }.filter |$u| { $u != 'bob' }.sort.join(',') }
notify { 'chain-hash': message => { 'b' => 2, 'a' => 1 }.keys.sort.map |$k| { $k.upcase } }
