define svc_conf($owner = 'root', $mode = '0644') { notify { "conf-${title}": message => "${owner} ${mode}" } }
svc_conf {
  default:
    owner => 'app',
    mode  => '0600';
  'one': ;
  'two':
    mode => '0640';
}
notify {
  default: message => 'dflt';
  'n1': ;
  'n2': message => 'own';
}
