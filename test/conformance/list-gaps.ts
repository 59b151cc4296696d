// Prints known-gaps.txt for the current compiler: every case that does not agree with Puppet,
// with the first line of the reason. Run it after fixing cases:
//   node test/conformance/list-gaps.ts > test/conformance/known-gaps.txt
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkCase } from './run-case.ts';

const here = import.meta.dirname;
console.log('# Conformance cases where Kasper does not yet agree with Puppet 7, and why (first line).');
console.log('# Regenerate with: node test/conformance/list-gaps.ts > test/conformance/known-gaps.txt');
for (const folder of ['cases', 'modules-corpus']) {
  for (const c of readdirSync(join(here, folder)).sort()) {
    const problem = checkCase(join(here, folder, c));
    if (problem !== null) console.log(`${folder}/${c} ${problem.split('\n')[0].slice(0, 160)}`);
  }
}
