notify { 'convert': message => ['42'.convert_to(Integer), [1, 2].convert_to(Hash), 1.convert_to(String)] }
$paths = []
$tree = { 'a' => [1, { 'b' => 2 }] }
notify { 'tree': message => $tree.tree_each.map |$entry| { $entry[0] } }
