# host edge cases from Puppet's issues: an empty host_aliases list removes the aliases, an
# empty comment removes the comment, a line that is no host entry is kept (PUP-2289: the file
# is not wiped), untouched records keep their text, and an IPv6 address with a zone.
Host { target => '@ROOT@/hosts' }
host { 'with-aliases': ip => '192.0.2.1', host_aliases => [] }
host { 'commented': ip => '192.0.2.2', comment => '' }
host { 'zoned': ip => 'fe80::1%eth0', host_aliases => ['z'] }
