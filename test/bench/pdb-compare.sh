#!/bin/sh
# Kasper's query API and a real PuppetDB 7.12 on the same facts (see pdb-compare.ts). Needs root.
#   sh test/bench/pdb-compare.sh [NODES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
nodes="${1:-1000}"
extra_packages=""
pdb_wait=600  # a loaded machine starts the JVM slowly
. "$root/test/support/puppetdb.sh"
cd "$root"
echo "| query | PuppetDB p50 ms | p99 ms |"
nice npx node test/bench/pdb-compare.ts puppetdb "http://127.0.0.1:$pdbport" "$nodes"
echo "| query | Kasper p50 ms | p99 ms |"
nice npx node test/bench/pdb-compare.ts kasper - "$nodes"
