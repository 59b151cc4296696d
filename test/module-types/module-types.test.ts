// Kasper against Puppet 7 on the module types: every case in cases/ is applied by Kasper to a
// temporary root as regenerate.ts applied it with Puppet (the shared procedure,
// test/support/apply-differential.ts), and must leave the same files, report the same changes,
// change nothing the second time and say the same in noop after drift.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { needs } from '../support/host.ts';
import { MODULEPATH, caseNames, kasperTool, runCase } from '../support/apply-differential.ts';
import { CASES, expectedForm, golden, type Expected } from './harness.ts';

const kasper = kasperTool();

for (const name of caseNames(CASES)) {
  test(`module types: ${name} applies as with puppet apply`, async (t) => {
    if (!needs(t, existsSync(join(MODULEPATH, 'stdlib')), `Debian's Puppet modules are not installed (${MODULEPATH})`)) return;
    const expected = JSON.parse(readFileSync(join(CASES, name, 'expected.json'), 'utf8')) as Expected;
    const got = expectedForm(await runCase(join(CASES, name), kasper, golden));
    assert.deepEqual(got.run1.lines, expected.run1.lines, 'first run');
    assert.deepEqual(got.run1.files, expected.run1.files, 'files after the first run');
    assert.deepEqual(got.run2.lines, expected.run2.lines, 'second run');
    assert.deepEqual(got.noop.lines, expected.noop.lines, 'noop after drift');
    assert.deepEqual(got.noop.files, expected.noop.files, 'noop changes nothing');
  });
}
