// Kasper against Puppet 7 on the resource-type cases: each case's manifest is applied by the
// procedure in test/support/apply-differential.ts (apply, apply again, drift, noop) and what
// Kasper printed and left must be what Puppet printed and left (cases/NAME/expected/, recorded
// by regenerate.sh).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseNames, inNamespace, kasperTool, needsUser, removeTestUsers } from '../support/apply-differential.ts';
import { CASES, RESULT_FILES, expectedOf, runInNamespace, runSuiteCase } from './harness.ts';
import { ensureCommands, hasCommand, isRoot, needs } from '../support/host.ts';


/**
 * Where Kasper deliberately differs from Puppet (a Puppet bug it does not copy), the case's
 * differences.json says so: per result, [Puppet's text, Kasper's text] pairs, each documented
 * in docs/agent.md. Every pair must still match Puppet's answer.
 */
function differencesOf(name: string): Partial<Record<string, [string, string][]>> {
  const f = join(CASES, name, 'differences.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) as Partial<Record<string, [string, string][]>> : {};
}


after(removeTestUsers);
const kasper = kasperTool();

for (const name of caseNames(CASES)) {
  test(`${name}: Kasper applies, re-applies and noops as Puppet 7 does`, async (t) => {
    if (needsUser(join(CASES, name))) {
      if (!needs(t, isRoot, 'crontab cases need root (a test user and its crontab)')) return;
      const missing = ensureCommands({ crontab: 'cron' });
      if (!needs(t, missing === null, missing ?? '')) return;
    }
    const expected = expectedOf(name);
    assert.ok(expected, `${name} has no expected/ (run test/apply-conformance/regenerate.sh ${name})`);
    if (inNamespace(name)) {
      if (!needs(t, isRoot && hasCommand('unshare') && hasCommand('mount'), 'mount cases need root and unshare (a mount namespace)')) return;
    }
    const got = inNamespace(name) ? runInNamespace(name, 'kasper') : await runSuiteCase(name, kasper);
    const differs = differencesOf(name);
    for (const f of RESULT_FILES) {
      let want: string = expected[f];
      for (const [puppet, kasper] of differs[f] ?? []) {
        assert.ok(want.includes(puppet), `${name}: differences.json's ${JSON.stringify(puppet)} is no longer in Puppet's ${f}`);
        want = want.split(puppet).join(kasper);
      }
      assert.equal(got[f], want, `${name}: ${f} differs from Puppet's`);
    }
    // Resources in noop (noop => true) say what they would do on every run; nothing else may show.
    assert.equal(got.run2.split('\n').filter((l) => l && !l.endsWith('(noop)')).join('\n'), '', `${name}: the second run changed something`);
  });
}
