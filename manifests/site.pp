# An example site: every node gets the base profile; web nodes also serve a page.
node default {
  include base
}

node /^web\d+/ {
  include base
  class { 'base::web':
    port => 8080,
  }
}
