schedule { 'nightly': range => '2 - 4', period => daily, repeat => 1 }
notify { 'quiet': noop => true, loglevel => 'debug' }
exec { 'nightly-job': command => '/usr/bin/true', schedule => 'nightly', loglevel => notice }
notify { 'nofalse': noop => false }
