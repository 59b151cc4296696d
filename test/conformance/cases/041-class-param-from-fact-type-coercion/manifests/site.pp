class tuning(Integer $cpus = $facts['processors']['count'], String $major = $facts['os']['release']['major']) {
  notify { 'tuning': message => [$cpus, $major, $cpus * 2] }
}
include tuning
