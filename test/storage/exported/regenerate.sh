#!/bin/sh
# Makes golden.json of the exported-resources test from a real PuppetDB: Debian's puppetdb 7.12
# on a PostgreSQL of its own in a temporary folder, fed cases.ts's catalogs and asked its collector
# queries as Puppet 7's PuppetDB terminus builds them (golden.ts).
#
# Needs root (apt-get, and PostgreSQL runs as the postgres user). Run from anywhere:
#   sh test/storage/exported/regenerate.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

. "$root/test/support/puppetdb.sh"

cd "$root"
npx node test/storage/exported/golden.ts "$pdbport"
