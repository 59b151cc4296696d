// Kasper against Puppet 7 on every class and example of Debian's puppet-module-* packages
// (golden.json.gz, made by regenerate.sh where Puppet is installed). Prints the counts and the
// disagreements by cause. Fails when a target that is not in known-gaps.txt disagrees: what
// agreed must keep agreeing. A listed target that now agrees only gets reported (regenerate the
// list with triage.ts --write).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needs } from '../../support/host.ts';
import { readGaps } from './run-corpus.ts';
import { runCorpus, summaryText } from './triage.ts';

test('the Debian module corpus compiles as with Puppet 7, except the known gaps', (t) => {
  const s = runCorpus();
  if (!needs(t, !('reason' in s), 'reason' in s ? s.reason : '')) return;
  if ('reason' in s) return;
  t.diagnostic(summaryText(s));
  const gaps = readGaps();
  const regressions: string[] = [];
  const fixed: string[] = [];
  for (const [id, v] of s.verdicts) {
    if (!v.agrees && !gaps.has(id)) regressions.push(`${id}: ${v.cause}\n    ${v.detail.split('\n').slice(0, 4).join('\n    ')}`);
    if (v.agrees && gaps.has(id)) fixed.push(id);
  }
  if (fixed.length > 0) t.diagnostic(`${fixed.length} listed gaps agree now; run node test/conformance/corpus/triage.ts --write: ${fixed.join(' ')}`);
  const unknown = [...gaps.keys()].filter((id) => !s.verdicts.has(id));
  assert.deepEqual(unknown, [], 'known-gaps.txt names targets the golden file does not have');
  assert.deepEqual(regressions, [], 'targets that agreed with Puppet no longer do');
});
