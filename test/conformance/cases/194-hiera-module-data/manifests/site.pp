include redisish
notify { 'module-key': message => lookup('redisish::maxmemory') }
