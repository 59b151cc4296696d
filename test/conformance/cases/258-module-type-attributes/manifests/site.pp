ini_setting { 'port':
  ensure            => present,
  path              => '/etc/app.ini',
  section           => 'main',
  setting           => 'port',
  value             => '80',
  key_val_separator => ' = ',
  show_diff         => false,
  indent_char       => ' ',
  tag               => 'ini',
  require           => File['/etc/app.ini'],
}
file { '/etc/app.ini': ensure => file }
concat_file { '/etc/motd': owner => 'root', mode => '0644', ensure_newline => true, order => 'numeric' }
concat_fragment { 'motd-header': target => '/etc/motd', content => "hi\n", order => '01' }
