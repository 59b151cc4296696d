define inner_def($msg) { notify { "inner-${title}": message => $msg } }
define outer_def { inner_def { "${title}-a": msg => "from ${title}" } inner_def { "${title}-b": msg => 'b' } }
outer_def { 'o1': }
outer_def { 'o2': }
