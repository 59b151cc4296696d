# Removing settings: one of several, the last of a section (the header goes too), one that
# is not there, and one in the global section.
Ini_setting { ensure => absent, path => "${root}/f.ini" }
ini_setting { 'x': section => 'a', setting => 'x' }
ini_setting { 'only': section => 'b', setting => 'only' }
ini_setting { 'missing': section => 'c', setting => 'nope' }
ini_setting { 'top': section => '', setting => 'top' }
