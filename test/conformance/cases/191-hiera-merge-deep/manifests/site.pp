notify { 'deep': message => lookup('app::config', Hash, 'deep') }
notify { 'deep-options': message => lookup('app::config', Hash, { 'strategy' => 'deep', 'knockout_prefix' => '--', 'merge_hash_arrays' => true }) }
