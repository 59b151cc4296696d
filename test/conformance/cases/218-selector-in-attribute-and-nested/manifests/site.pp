$env = 'prod'
$role = 'db'
notify { 'nested': message => $env ? {
  'prod'  => $role ? { 'db' => 'prod-db', default => 'prod-other' },
  default => 'nonprod',
} }
