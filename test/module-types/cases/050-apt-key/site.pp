# A key from a file (by fingerprint, so it is checked), a key removed from the shared keyring,
# a key that is already absent (a 16-digit id), and one without ensure (the module's type has
# no default: nothing is managed). A second resource for a key the run just added is left out:
# Puppet's prefetched state still says absent, so it adds the key again and reports it created;
# Kasper reads the keyrings again after a change and finds it present.
apt_key { '302B467FAAA0B38CA4D5E9C61D8378551D7002E2': ensure => present, source => "${root}/one.asc" }
apt_key { 'no ensure': id => '0123ABCD', source => "${root}/one.asc" }
apt_key { '0BA5FC2DF217DD04C07FDED1D443EB427C6DD47B': ensure => absent }
apt_key { '0x0123456789ABCDEF': ensure => absent }
