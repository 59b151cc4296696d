// Records Puppet 7's answers for the cases (run by regenerate.sh, where Puppet is installed):
// each case's procedure (harness.ts) with `puppet apply`, written to cases/NAME/expected/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES, RESULT_FILES, caseNames, inNamespace, privateEtc, removeTestUsers, runCase, runInNamespace, type Applier } from './harness.ts';

export const PUPPET_USER = 'kaspacpup';

export const puppet: Applier = async (manifest, noop, work, root) => {
  // In a mount namespace, Puppet's mount provider (which runs `mount NAME`, reading
  // /etc/fstab) is given the case's fstab as /etc/fstab: a private copy of /etc with a link.
  if (process.env.KASPER_AC_NAMESPACE === '1') etcWithFstab(join(root, 'fstab'));
  const file = join(work, 'site.pp');
  writeFileSync(file, manifest);
  const base = join(work, 'puppet');
  const args = ['apply', '--color', 'false', '--detailed-exitcodes', '--confdir', join(base, 'conf'), '--vardir', join(base, 'var'),
    '--codedir', join(base, 'code'), '--modulepath', '/usr/share/puppet/modules', ...(noop ? ['--noop'] : []), file];
  let out = '';
  try {
    out = execFileSync('puppet', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8', TZ: 'UTC' } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; status?: number };
    out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    if (err.status !== 2 && err.status !== 4 && err.status !== 6) throw new Error(`puppet apply exited ${err.status}: ${out}`);
  }
  // A message of several lines belongs to the line that began it.
  const lines: string[] = [];
  for (const l of out.split('\n')) {
    if (/^(Notice|Info|Warning|Error|Debug): /.test(l) || lines.length === 0) lines.push(l);
    else lines[lines.length - 1] += `\n${l}`;
  }
  return { lines };
};

function etcWithFstab(fstab: string): void {
  privateEtc();
  rmSync('/etc/fstab', { force: true });
  symlinkSync(fstab, '/etc/fstab');
}

if (import.meta.main) await main();

async function main() {
const only = process.argv.slice(2);
for (const name of caseNames(only)) {
  const result = inNamespace(name) ? runInNamespace(name, 'puppet') : await runCase(name, puppet, PUPPET_USER);
  const dir = join(CASES, name, 'expected');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of RESULT_FILES) writeFileSync(join(dir, `${f}.txt`), `${result[f]}\n`);
  console.log(`recorded ${name}`);
}
removeTestUsers();
}
