node default {
  include xinetd
  xinetd::service { 'rsync':
    port        => 873,
    server      => '/usr/bin/rsync',
    server_args => '--daemon --config /etc/rsync.conf',
    only_from   => '10.0.0.0/8',
  }
  $nums = range(1, 4)
  $ips = stdlib::ip_in_range('10.1.2.3', '10.0.0.0/8')
  notify { 'ruby-functions':
    message => {
      'range'     => $nums,
      'in_range'  => $ips,
      'end_with'  => stdlib::end_with('foo.conf', '.conf'),
      'inline'    => inline_template('<%= @nums.join(",") %>:', "<%= scope['os']['family'] %>\n"),
      'fqdn'      => fqdn_rotate(['a', 'b', 'c', 'd']),
    },
  }
}
