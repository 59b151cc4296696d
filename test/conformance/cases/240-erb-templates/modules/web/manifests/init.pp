class web (
  String $server_name = 'www.example.com',
  Array[String] $aliases = ['a.example.com', 'b.example.com'],
  Hash $options = { 'workers' => 4, 'gzip' => true, 'ratio' => 1.5 },
  Optional[String] $unset = undef,
) {
  $port = 8080
  file { '/etc/web/web.conf':
    ensure  => file,
    content => template('web/header.erb', 'web/web.conf.erb'),
  }
  web::vhost { 'shop': docroot => '/srv/shop' }
  notify { 'inline':
    message => inline_template('<%= @server_name.upcase %> has <%= @aliases.length %> aliases; port+1=<%= @port + 1 %>'),
  }
}
