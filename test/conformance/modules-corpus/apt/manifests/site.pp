node default {
  class { 'apt':
    update => { 'frequency' => 'daily' },
    purge  => { 'sources.list.d' => false },
  }
  apt::source { 'nodesource':
    location => 'https://deb.nodesource.com/node_20.x',
    release  => 'nodistro',
    repos    => 'main',
    key      => {
      'id'     => '6F71F525282841EEDAF851B42F59B5F99B1BE0B4',
      'server' => 'keyserver.ubuntu.com',
    },
    include  => { 'src' => false, 'deb' => true },
  }
}
