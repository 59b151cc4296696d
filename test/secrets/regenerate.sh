#!/bin/sh
# Regenerates the eyaml fixture with the real tools (Debian's hiera-eyaml and puppet 7):
#   fixture/keys/production/ a key pair made by `eyaml createkeys` (test data only; hiera.yaml.in
#                            names it through %{environment})
#   fixture/data/**/*.eyaml  fixture/plain/**/*.yaml with every DEC::PKCS7[…]! encrypted by `eyaml encrypt -e`
#   expected/lookup.tsv      `puppet lookup --render-as json KEY` for each key of fixture/keys.txt
#                            (KEY, a tab, Puppet's answer on one line, or NOT FOUND)
# eyaml.test.ts reads the files with Kasper and compares its `kasper lookup` with Puppet's.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
fx="$here/fixture"
command -v eyaml >/dev/null || { echo "needs eyaml: apt-get install hiera-eyaml" >&2; exit 1; }
command -v puppet >/dev/null || { echo "needs puppet 7" >&2; exit 1; }
rm -rf "$fx/keys"
eyaml createkeys --pkcs7-private-key "$fx/keys/production/private_key.pkcs7.pem" --pkcs7-public-key "$fx/keys/production/public_key.pkcs7.pem" >/dev/null
keys="--pkcs7-private-key $fx/keys/production/private_key.pkcs7.pem --pkcs7-public-key $fx/keys/production/public_key.pkcs7.pem"
(cd "$fx/plain" && find . -name '*.yaml' | sort) | while read -r f; do
  out="$fx/data/${f%.yaml}.eyaml"
  mkdir -p "$(dirname "$out")"
  # shellcheck disable=SC2086
  eyaml encrypt $keys -e "$fx/plain/$f" > "$out"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/production"
cp -r "$fx/data" "$tmp/production/data"
sed "s|@KEYS@|$fx/keys|" "$fx/hiera.yaml.in" > "$tmp/production/hiera.yaml"
mkdir -p "$here/expected"
: > "$here/expected/lookup.tsv"
while read -r key; do
  if answer=$(puppet lookup --environmentpath "$tmp" --environment production --node web01.example.com --facts "$fx/facts.yaml" --render-as json "$key" 2>/dev/null) && [ -n "$answer" ]; then
    printf '%s\t%s\n' "$key" "$(printf '%s' "$answer" | tr -d '\n')" >> "$here/expected/lookup.tsv"
  else
    printf '%s\tNOT FOUND\n' "$key" >> "$here/expected/lookup.tsv"
  fi
done < "$fx/keys.txt"
echo "wrote $fx/keys, $fx/data and $here/expected/lookup.tsv"
