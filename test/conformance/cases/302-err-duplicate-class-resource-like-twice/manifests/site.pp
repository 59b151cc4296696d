class db($size = 1) {}
class { 'db': size => 2 }
class { 'db': size => 3 }
