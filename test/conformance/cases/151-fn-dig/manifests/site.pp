$data = { 'a' => { 'b' => [10, { 'c' => 'found' }] } }
notify { 'dig': message => [
  $data.dig('a', 'b', 1, 'c'),
  $data.dig('a', 'b', 0),
  $data.dig('a', 'x', 'y'),
  $data.dig('a', 'b', 5),
  dig($data, 'a').keys,
] }
notify { 'dig-facts': message => $facts.dig('os', 'release', 'major') }
