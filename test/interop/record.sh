#!/usr/bin/env bash
# Records what a stock Puppet 7 agent sends the Kasper master and what it answers, into
# fixtures/puppet-agent-run.json, for replay.test.ts. Needs root (installs puppet-agent).
set -euo pipefail
cd "$(dirname "$0")/../.."
KASPER_RECORD_FIXTURES=1 node_modules/.bin/node --test test/interop/puppet-agent.test.ts
