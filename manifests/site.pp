# An example site. Every node gets the base profile: admin accounts, a message of the day,
# hardened SSH, time synchronisation and a packet filter. Web nodes also serve a page.
# Try it on any Debian machine without changing anything:
#   npx kasper apply --noop manifests/site.pp
node default {
  include base
}

node /^web\d+/ {
  include base
  class { 'base::web':
    port => 8080,
  }
}
