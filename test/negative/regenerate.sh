#!/bin/sh
# Rebuilds golden.json from real Puppet 7 (apt-get install puppet). Run from anywhere.
set -eu
cd "$(dirname "$0")/../.."
exec npx --no-install node test/negative/regenerate.ts
