class app {
  $local = 'class local'
  $port = 8080
  notify { 'rendered': message => epp('app/conf.epp') }
}
