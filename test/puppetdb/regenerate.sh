#!/bin/sh
# Makes the golden answers of pypuppetdb.test.ts from a real PuppetDB: Debian's puppetdb 7.12
# on a PostgreSQL of its own in a temporary folder, fed fixtures/fleet.json through Puppet's
# PuppetDB terminus and its command API (feed-puppetdb.rb), then asked queries.py's questions
# through Debian's python3-pypuppetdb. Writes golden/answers.json.
#
# Needs root (apt-get, and PostgreSQL runs as the postgres user). Run from anywhere:
#   sh test/puppetdb/regenerate.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

extra_packages=""
/usr/bin/python3 -c 'import pypuppetdb' 2>/dev/null || extra_packages="python3-pypuppetdb"
. "$root/test/support/puppetdb.sh"

cd "$root"
npx node test/puppetdb/fleet.ts
ruby test/puppetdb/feed-puppetdb.rb test/puppetdb/fixtures/fleet.json "http://127.0.0.1:$pdbport"
mkdir -p test/puppetdb/golden
/usr/bin/python3 test/puppetdb/queries.py --port "$pdbport" > "$work/answers.json"
mv "$work/answers.json" test/puppetdb/golden/answers.json
echo "wrote test/puppetdb/golden/answers.json"
