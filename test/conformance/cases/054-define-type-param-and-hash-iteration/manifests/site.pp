define db(String $owner, Integer $size = 1) { notify { "db-${title}": message => "${owner} ${size}G" } }
$dbs = { 'app' => { 'owner' => 'app', 'size' => 10 }, 'metrics' => { 'owner' => 'grafana' } }
$dbs.each |$name, $params| {
  db { $name: * => $params }
}
