#!/usr/bin/env bash
# Records Puppet 7's answers for the resource-type conformance cases (as root, where Puppet 7
# and its core-type modules are installed: /usr/share/puppet/modules):
#
#   test/apply-conformance/regenerate.sh [CASE...]
#
# Each case is applied with `puppet apply` by the procedure in harness.ts and the result is
# written to cases/CASE/expected/. Crontab cases use a local test user (created if missing).
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
exec "$root/node_modules/.bin/node" "$here/record.ts" "$@"
