# Items of a list value: changed, added at the end, at the start, after another, removed,
# quoted values keep their quotes, a key-value separator inside items, a new setting.
Ini_subsetting { path => "${root}/default.ini", key_val_separator => '=' }
ini_subsetting { 'xmx': section => 'java', setting => 'JAVA_ARGS', subsetting => '-Xmx', value => '2g' }
ini_subsetting { 'gc': section => 'java', setting => 'JAVA_ARGS', subsetting => '-XX:+UseG1GC' }
ini_subsetting { 'xms gone': ensure => absent, section => 'java', setting => 'JAVA_ARGS', subsetting => '-Xms' }
ini_subsetting { 'path first':
  section              => 'java',
  setting              => 'PATHS',
  subsetting           => '/first',
  subsetting_separator => ':',
  insert_type          => 'start',
}
ini_subsetting { 'after one':
  section              => 'list',
  setting              => 'items',
  subsetting           => 'one-and-a-half',
  subsetting_separator => ',',
  insert_type          => 'after',
  insert_value         => 'one',
  use_exact_match      => true,
  key_val_separator    => ' = ',
}
ini_subsetting { 'new quoted':
  section    => 'java',
  setting    => 'OPTS',
  subsetting => 'mode',
  value      => 'fast',
  subsetting_key_val_separator => ':',
  quote_char => '"',
}
