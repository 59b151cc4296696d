class complex(Hash $users, Array $matrix, Tuple[String, Integer] $pair) {
  notify { 'complex': message => $users['alice']['uid'] + $matrix[1][0] + $pair[1] }
}
class { 'complex':
  users  => { 'alice' => { 'uid' => 1000, 'groups' => ['adm', 'sudo'] }, 'bob' => { 'uid' => 1001 } },
  matrix => [[1, 2], [3, 4]],
  pair   => ['x', 7],
}
