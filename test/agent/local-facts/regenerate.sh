#!/usr/bin/env bash
# Records what Puppet 7's `puppet apply` writes for site.pp, without and with --environment, into
# expected-default.txt and expected-environment.txt (read by ../local-facts.test.ts). Needs puppet.
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v puppet >/dev/null || { echo "regenerate.sh: puppet is not installed" >&2; exit 1; }
for variant in default environment; do
  work=$(mktemp -d /tmp/kasper-local-facts.XXXXXX)
  mkdir -p "$work/root" "$work/modules"
  sed "s|@ROOT@|$work/root|g" "$here/site.pp" >"$work/site.pp"
  flags=()
  [ "$variant" = environment ] && flags=(--environment production)
  puppet apply --color=false --confdir "$work/conf" --vardir "$work/var" --codedir "$work/code" \
    --basemodulepath "$work/modules" --modulepath "$work/modules" "${flags[@]}" "$work/site.pp" >"$work/log" 2>&1 \
    || { cat "$work/log" >&2; exit 1; }
  cp "$work/root/facts.txt" "$here/expected-$variant.txt"
  rm -rf "$work"
  echo "recorded expected-$variant.txt"
done
