// Records Puppet 7's answers for the cases (run by regenerate.sh, where Puppet is installed):
// each case's procedure (test/support/apply-differential.ts) with `puppet apply`, written to
// cases/NAME/expected/.
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { caseNames, inNamespace, privateEtc, puppetTool, removeTestUsers } from '../support/apply-differential.ts';
import { CASES, RESULT_FILES, runInNamespace, runSuiteCase } from './harness.ts';

// In a mount namespace, Puppet's mount provider (which runs `mount NAME`, reading /etc/fstab)
// is given the case's fstab as /etc/fstab: a private copy of /etc with a link.
export const puppet = puppetTool({
  beforeApply(root) {
    if (process.env.KASPER_AC_NAMESPACE !== '1') return;
    privateEtc();
    rmSync('/etc/fstab', { force: true });
    symlinkSync(join(root, 'fstab'), '/etc/fstab');
  },
});

if (import.meta.main) await main();

async function main() {
  for (const name of caseNames(CASES, process.argv.slice(2))) {
    const result = inNamespace(name) ? runInNamespace(name, 'puppet') : await runSuiteCase(name, puppet);
    const dir = join(CASES, name, 'expected');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of RESULT_FILES) writeFileSync(join(dir, `${f}.txt`), `${result[f]}\n`);
    console.log(`recorded ${name}`);
  }
  removeTestUsers();
}
