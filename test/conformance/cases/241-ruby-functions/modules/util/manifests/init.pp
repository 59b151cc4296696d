class util {
  $pairs = util::describe({ 'a' => 1, 'b' => 2 }) |$k, $v| { "${k}=${$v * 10}" }
  notify { 'ruby-functions':
    message => {
      'int'    => util::describe(21),
      'list'   => util::describe(['x', 'y']),
      'sep'    => util::describe(['x', 'y'], '-'),
      'pairs'  => $pairs,
      'shout'  => shout('hey'),
      'legacy' => legacy_greeting('web'),
      'legacy2' => legacy_greeting('web', 'again'),
    },
  }
}
