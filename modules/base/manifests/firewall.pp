# A packet filter: replies, loopback and SSH are let in; everything else is dropped.
# Web nodes open their port in base::web. Rules live in Kasper's own nftables table.
class base::firewall (
  Array[String] $ssh_sources = ['0.0.0.0/0'],
) {
  # The rules need nft: on a fresh machine this run installs it first (in noop, each rule says
  # it will be managed once the package is in).
  package { 'nftables':
    ensure => installed,
  }
  Package['nftables'] -> Firewall <| |>

  firewall { '000 accept replies':
    state  => ['ESTABLISHED', 'RELATED'],
    action => accept,
  }
  firewall { '010 accept loopback':
    iniface => 'lo',
    action  => accept,
  }
  $ssh_sources.each |Integer $i, String $source| {
    firewall { "100 allow ssh from ${source}":
      proto  => tcp,
      dport  => 22,
      source => $source,
      action => accept,
    }
  }
  firewall { '999 drop everything else':
    action => drop,
  }
}
