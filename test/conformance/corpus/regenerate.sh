#!/usr/bin/env bash
# Compiles every class and example of Debian's puppet-module-* packages with the installed
# Puppet 7 and writes Puppet's answers as the corpus golden file.
#
#   test/conformance/corpus/regenerate.sh [--facts] [TARGET...]
#
# --facts   first re-collects facts.json from this machine's facter (through `puppet facts show
#           --show-legacy`, so the modules' own fact plugins run too), with the node's identity
#           set to web01.example.com and the facts a Puppet agent adds (clientcert, clientversion,
#           clientnoop). Without it the kept facts.json is used, so runs are repeatable.
# TARGET    `class:NAME` or `example:MODULE/FILE.pp`: recompile only these and merge them into
#           the golden file (default: every target, and the golden file is rewritten).
#
# puppet-compile-all.rb compiles all targets in one Ruby process (under nice); normalize-corpus.ts
# normalizes each catalog or error as ../normalize.ts does for the conformance cases and writes
# golden.json.gz together with the Puppet version, the facts' digest and the Debian package
# versions of the modules (the test refuses to compare against other versions).
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8 TZ=UTC

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
node="$root/node_modules/.bin/node"
modulepath=/usr/share/puppet/modules

command -v puppet >/dev/null || { echo "regenerate.sh: puppet is not installed" >&2; exit 1; }
[ -x "$node" ] || { echo "regenerate.sh: $node missing; run npm ci" >&2; exit 1; }
version=$(puppet --version)
case $version in 7.*) ;; *) echo "regenerate.sh: Puppet $version found, the golden files are Puppet 7's" >&2; exit 1 ;; esac
[ -d "$modulepath" ] || { echo "regenerate.sh: $modulepath missing: apt-get install the puppet-module-* packages" >&2; exit 1; }

work=$(mktemp -d /tmp/kasper-corpus.XXXXXX)
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = --facts ]; then
  shift
  mkdir -p "$work/facts"
  nice puppet facts show --show-legacy --render-as json --color false \
    --confdir "$work/facts/conf" --vardir "$work/facts/var" --codedir "$work/facts/code" \
    --basemodulepath "$modulepath" 2>"$work/facts/log.txt" >"$work/facts/raw.json"
  ruby -rjson -e '
    f = JSON.parse(File.read(ARGV[0]))
    id = { "hostname" => "web01", "domain" => "example.com", "fqdn" => "web01.example.com" }
    f.merge!(id)
    f["networking"].merge!(id) if f["networking"].is_a?(Hash)
    f.merge!("clientcert" => "web01.example.com", "clientversion" => ARGV[1], "clientnoop" => false)
    f = f.reject { |_, v| v.nil? }.sort.to_h
    File.write(ARGV[2], JSON.pretty_generate(f) + "\n")
  ' "$work/facts/raw.json" "$version" "$here/facts.json"
  echo "facts.json: $(grep -c '^  "' "$here/facts.json") facts"
fi

dpkg-query -W -f '${Package}\t${Version}\n' 'puppet-module-*' | sort >"$work/packages.tsv"
for m in "$modulepath"/*; do printf '%s\t%s\n' "$(basename "$m")" "$(readlink -f "$m")"; done >"$work/modules.tsv"

mkdir -p "$work/puppet"
nice ruby "$here/puppet-compile-all.rb" "$here/facts.json" "$modulepath" "$work/puppet" "$@" >"$work/raw.jsonl"
"$node" "$here/normalize-corpus.ts" "$work/raw.jsonl" "$version" "$work/packages.tsv" "$work/modules.tsv" ${1:+--merge}
