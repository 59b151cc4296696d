define tagged_item(String $label = $name) { notify { "item-${title}": message => "${title}/${name}/${label}" } }
tagged_item { 'first': }
tagged_item { 'second': name => 'custom' }
