$results = {
  'first' => hiera('greeting'),
  'default' => hiera('missing', 'the default'),
  'default_undef' => String(hiera('missing', undef)),
  'override' => hiera('greeting', 'd', 'override'),
  'block' => hiera('missing') |$k| { "block for ${k}" },
  'block_override' => hiera('missing', 'override') |$k| { "block2 for ${k}" },
  'array' => join(hiera_array('servers'), ','),
  'array_default' => join(hiera_array('missing', ['d1']), ','),
  'hash' => String(hiera_hash('settings')),
  'hash_lookup' => String(lookup('settings', Hash, 'hash')),
  'hash_default' => String(hiera_hash('missing', {'k' => 'v'})),
  'merged_ignored' => join(hiera('merged'), ','),
  'merged_lookup' => join(lookup('merged'), ','),
  'module' => hiera('profile::motd'),
  'module_array' => join(hiera_array('profile::list'), ','),
  'null' => String(hiera('nothing', 'x')),
}
$results.each |$k, $v| { notify { "hiera ${k}": message => $v } }
hiera_include('classes')
