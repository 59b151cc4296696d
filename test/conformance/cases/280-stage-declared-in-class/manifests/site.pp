class stages {
  stage { 'early': before => Stage['main'] }
  stage { 'late': require => Stage['main'] }
  notify { 'in stages': }
}
define late_stage() {
  stage { "after_${title}": require => Stage['late'] }
}
class runner {
  notify { 'runs early': }
}
include stages
late_stage { 'x': }
class { 'runner': stage => 'early' }
