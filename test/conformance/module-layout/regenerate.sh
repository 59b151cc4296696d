#!/usr/bin/env bash
# Rewrites expected.json: `puppet parser validate` (Puppet 7) on every .pp file of the installed
# puppet-module-* packages, with /usr/share/puppet/modules as the modulepath. Needs puppet and
# `npm ci` (Node 24).
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
command -v puppet >/dev/null || { echo "regenerate.sh: puppet is not installed" >&2; exit 1; }
exec "$root/node_modules/.bin/node" "$here/record.ts" "$@"
