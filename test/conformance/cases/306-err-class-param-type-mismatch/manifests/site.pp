class app(Integer[1, 65535] $port) {}
class { 'app': port => '8080' }
