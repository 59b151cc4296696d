define box($width = 1, $height = 1, $label = 'box') { notify { "box-${title}": message => "${label} ${width}x${height}" } }
$dims = { 'width' => 3, 'height' => 4 }
box { 'b1': * => $dims }
box { 'b2': label => 'big', * => { 'width' => 10 } }
notify { 'splat': * => { 'message' => 'from splat', 'withpath' => true } }
