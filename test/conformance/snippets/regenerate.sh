#!/usr/bin/env bash
# Records Puppet 7's answer for every snippet: FILE.snippets -> FILE.expected.jsonl.
#
#   test/conformance/snippets/regenerate.sh [FILE.snippets...]
#
# One Ruby process (puppet-snippets.rb) compiles all the snippets of a file with Puppet's own
# compiler, nice'd. Needs puppet (7) and ruby.
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(*.snippets)
for f in "${files[@]}"; do
  f=$(basename "$f")
  nice -n 10 ruby puppet-snippets.rb "$f" >"${f%.snippets}.expected.jsonl.tmp"
  mv "${f%.snippets}.expected.jsonl.tmp" "${f%.snippets}.expected.jsonl"
  echo "$f: $(wc -l <"${f%.snippets}.expected.jsonl") snippets, $(grep -c '"error"' "${f%.snippets}.expected.jsonl" || true) errors"
done
puppet --version >"$here/PUPPET_VERSION"
