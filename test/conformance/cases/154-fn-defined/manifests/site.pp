class known_class {}
define known_define {}
include known_class
notify { 'declared': }
$var_set = 1
notify { 'defined': message => {
  'class-name'        => defined('known_class'),
  'unknown-class'     => defined('nope_class'),
  'define'            => defined('known_define'),
  'builtin-type'      => defined('file'),
  'class-ref'         => defined(Class['known_class']),
  'resource-declared' => defined(Notify['declared']),
  'resource-missing'  => defined(Notify['missing']),
  'variable'          => defined('$var_set'),
  'variable-missing'  => defined('$var_unset'),
  'function'          => defined('sha1'),
  'type'              => defined(File),
} }
