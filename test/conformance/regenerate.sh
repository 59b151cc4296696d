#!/usr/bin/env bash
# Compiles conformance cases with the installed Puppet 7 and writes their golden files.
#
#   test/conformance/regenerate.sh [-j JOBS] [-v] [CASE...]
#
# With no CASE, every directory under cases/ and modules-corpus/. A CASE is a case directory
# or its name under cases/ or modules-corpus/ (`001-top-scope-variable`, `modules-corpus/ntp`).
# For each case, puppet-compile.rb compiles it in a fresh temporary confdir/vardir/codedir, and
# normalize.ts turns the result into expected.json (a catalog) or expected-error.json (the
# compile error); the other file is removed. A catalog with exported resources also gets
# expected-agent.json: the catalog Puppet's own filter leaves for the agent. Cases whose name contains `err-` must fail, the
# others must compile: a case that does otherwise is reported and the script exits 1.
# -v prints Puppet's warnings for each case. Needs puppet (7) and ruby, and `npm ci` (Node 24).
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
node="$root/node_modules/.bin/node"

one() {
  local dir=$1 name envdir rc=0
  name=$(basename "$dir")
  [ "$(basename "$(dirname "$dir")")" = modules-corpus ] && name="modules-corpus/$name"
  work=$(mktemp -d /tmp/kasper-conformance.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  ruby "$here/puppet-compile.rb" "$dir" "$work" >"$work/catalog.json" 2>"$work/log.txt" || rc=$?
  envdir=$(echo "$work"/code/environments/*)
  if [ "${VERBOSE:-0}" = 1 ]; then grep '^Warning: ' "$work/log.txt" | sed "s|$envdir/||g; s|^|  $name: |" || true; fi
  if [ "$rc" = 0 ] && [ -s "$work/catalog.json" ]; then
    if ! "$node" "$here/normalize.ts" catalog "$work/catalog.json" "$envdir" >"$work/expected.json" 2>"$work/normalize.txt"; then
      echo "FAIL $name: normalize.ts could not read the catalog: $(head -c 300 "$work/normalize.txt")"
      return
    fi
    mv "$work/expected.json" "$dir/expected.json"
    rm -f "$dir/expected-error.json" "$dir/expected-agent.json"
    # A catalog with exported resources: also the one Puppet sends the agent (its own filter).
    if grep -q '"exported": true' "$dir/expected.json"; then
      rm -rf "$work/agent" && mkdir "$work/agent"
      if KASPER_AGENT_VIEW=1 ruby "$here/puppet-compile.rb" "$dir" "$work/agent" >"$work/agent.json" 2>/dev/null &&
         "$node" "$here/normalize.ts" catalog "$work/agent.json" "$(echo "$work"/agent/code/environments/*)" >"$work/expected-agent.json" 2>/dev/null; then
        mv "$work/expected-agent.json" "$dir/expected-agent.json"
      else
        echo "FAIL $name: Puppet's agent catalog could not be made"
        return
      fi
    fi
    case $name in
      *err-*) echo "FAIL $name: compiled, but an err- case must fail" ;;
      *) echo "catalog $name" ;;
    esac
  else
    if ! "$node" "$here/normalize.ts" error "$work/log.txt" "$envdir" >"$work/expected-error.json" 2>/dev/null; then
      echo "FAIL $name: Puppet exited $rc without an error message"
      return
    fi
    mv "$work/expected-error.json" "$dir/expected-error.json"
    rm -f "$dir/expected.json" "$dir/expected-agent.json"
    case $name in
      *err-*) echo "error $name" ;;
      *) echo "FAIL $name: $(grep -m1 '^Error: ' "$work/log.txt" | sed "s|$envdir/||g")" ;;
    esac
  fi
}

if [ "${1:-}" = --one ]; then
  one "$2"
  exit 0
fi

jobs=$(nproc 2>/dev/null || echo 2)
VERBOSE=0
while getopts 'j:v' opt; do
  case $opt in
    j) jobs=$OPTARG ;;
    v) VERBOSE=1 ;;
    *) sed -n '2,12s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
export VERBOSE

command -v puppet >/dev/null || { echo "regenerate.sh: puppet is not installed" >&2; exit 1; }
[ -x "$node" ] || { echo "regenerate.sh: $node missing; run npm ci" >&2; exit 1; }
version=$(puppet --version)
case $version in 7.*) ;; *) echo "regenerate.sh: Puppet $version found, the golden files are Puppet 7's" >&2; exit 1 ;; esac

dirs=()
if [ $# = 0 ]; then
  for d in "$here"/cases/*/ "$here"/modules-corpus/*/; do
    [ -f "$d/case.json" ] && dirs+=("${d%/}")
  done
else
  for arg in "$@"; do
    arg=${arg%/}
    if [ -f "$arg/case.json" ]; then dirs+=("$(cd "$arg" && pwd)")
    elif [ -f "$here/cases/$arg/case.json" ]; then dirs+=("$here/cases/$arg")
    elif [ -f "$here/$arg/case.json" ]; then dirs+=("$here/$arg")
    else echo "regenerate.sh: no case '$arg'" >&2; exit 2
    fi
  done
fi

echo "$version" >"$here/PUPPET_VERSION"
results=$(printf '%s\0' "${dirs[@]}" | xargs -0 -n1 -P "$jobs" "$0" --one | sort -k2) || true
printf '%s\n' "$results" | grep -v '^catalog \|^error ' || true
catalogs=$(printf '%s\n' "$results" | grep -c '^catalog ' || true)
errors=$(printf '%s\n' "$results" | grep -c '^error ' || true)
failed=$(printf '%s\n' "$results" | grep -c '^FAIL ' || true)
missing=$((${#dirs[@]} - catalogs - errors - failed))
[ "$missing" = 0 ] || echo "regenerate.sh: $missing cases gave no result" >&2
failed=$((failed + missing))
echo "Puppet $version: ${#dirs[@]} cases, $catalogs catalogs, $errors expected errors, $failed failed"
[ "$failed" = 0 ]
