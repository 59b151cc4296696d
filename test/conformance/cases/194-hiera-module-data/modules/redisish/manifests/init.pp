class redisish(String $bind, Integer $port, String $maxmemory) {
  notify { 'redis': message => "${bind}:${port} ${maxmemory}" }
}
