$a = { 'x' => 1, 'y' => 2 }
$b = { 'y' => 20, 'z' => 30 }
notify { 'hashes': message => {
  'merge'      => $a + $b,
  'merge-rev'  => $b + $a,
  'minus-keys' => ($a + $b) - ['x'],
  'minus-hash' => ($a + $b) - { 'z' => 0 },
  'keys'       => ($a + $b).keys,
  'from-array' => Hash(['k', 'v']),
} }
