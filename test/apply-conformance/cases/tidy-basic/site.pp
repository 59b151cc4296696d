# tidy: age (mtime) with matches over a recursive tree (dot files too), size with a recursion
# limit, rmdirs removing old folders once their files are gone, a file the catalog manages left
# alone, a single path without recurse.
tidy { '@ROOT@/logs': age => '1w', recurse => true, matches => ['*.log'], type => 'mtime' }
tidy { '@ROOT@/cache': size => '10k', recurse => 1 }
tidy { '@ROOT@/tmp': age => '1d', recurse => true, rmdirs => true, type => 'mtime' }
tidy { '@ROOT@/single.old': age => '2w', type => 'mtime' }
file { '@ROOT@/tmp/managed': ensure => file, content => "x\n" }
