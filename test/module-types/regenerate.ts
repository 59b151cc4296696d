// Applies every case (or those named) with Puppet 7 by the shared procedure
// (test/support/apply-differential.ts) and records what it did in the case's expected.json:
// the files it left, the lines of both runs, and the noop lines after drift.
//   npx node test/module-types/regenerate.ts [CASE...]      (as root, with puppet installed)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseNames, puppetTool, removeTestUsers, runCase } from '../support/apply-differential.ts';
import { CASES, expectedForm, golden } from './harness.ts';

const puppet = puppetTool({ showDiff: true });
for (const name of caseNames(CASES, process.argv.slice(2))) {
  const expected = expectedForm(await runCase(join(CASES, name), puppet, golden));
  writeFileSync(join(CASES, name, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
  console.log(`${name}: ${expected.run1.lines.length} lines, second run ${expected.run2.lines.length}, noop ${expected.noop.lines.length}`);
}
removeTestUsers();
