#!/usr/bin/env bash
# Records what Puppet 7's `puppet apply` does with site.pp, with preprocess_deferred on (its
# default) and off, into expected-preprocess.txt and expected-lazy.txt (read by
# ../deferred-order.test.ts): the notices about resources and the files left. Needs puppet.
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v puppet >/dev/null || { echo "regenerate.sh: puppet is not installed" >&2; exit 1; }
for variant in preprocess lazy; do
  work=$(mktemp -d /tmp/kasper-deferred-order.XXXXXX)
  mkdir -p "$work/root" "$work/modules"
  sed "s|@ROOT@|$work/root|g" "$here/site.pp" >"$work/site.pp"
  flag=--preprocess_deferred
  [ "$variant" = lazy ] && flag=--no-preprocess_deferred
  puppet apply --color=false --confdir "$work/conf" --vardir "$work/var" --codedir "$work/code" \
    --basemodulepath "$work/modules" --modulepath "$work/modules" "$flag" "$work/site.pp" >"$work/log" 2>&1 || true
  {
    echo "# resources"
    grep -a '^Notice: /' "$work/log" | sed -e "s|$work/root|@ROOT@|g" -e 's/^Notice: //' || true
    echo "# files"
    (cd "$work/root" && for f in $(ls | sort); do echo "== $f"; cat "$f"; done)
  } >"$here/expected-$variant.txt"
  rm -rf "$work"
  echo "recorded expected-$variant.txt"
done
