// Applies every case (or those named) with Puppet 7 and records what it did in the case's
// expected.json: the files it left, the lines of both runs, and the noop lines after drift.
//   npx node test/module-types/regenerate.ts [CASE...]      (as root, with puppet installed)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, MODULEPATH, caseNames, drift, manifestText, normalize, parsePuppetOutput, prepareRoot, ignored, caseEnv, snapshotFiles, type Expected } from './harness.ts';

function puppetApply(work: string, manifest: string, root: string, noop: boolean, env: Record<string, string>): string[] {
  const args = ['apply', `--modulepath=${MODULEPATH}`, `--vardir=${work}/var`, `--confdir=${work}/conf`, `--codedir=${work}/code`,
    `--logdir=${work}/log`, `--rundir=${work}/run`, '--color=false', '--show_diff', '--detailed-exitcodes', ...(noop ? ['--noop'] : []), manifest];
  let text: string;
  try {
    text = execFileSync('puppet', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env, LC_ALL: 'C.UTF-8', TZ: 'UTC' } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    text = `${err.stdout ?? ''}\n${err.stderr ?? ''}`;
  }
  return normalize(parsePuppetOutput(text), root);
}

for (const name of caseNames(process.argv.slice(2))) {
  const work = mkdtempSync(join(tmpdir(), 'kasper-modtypes-puppet-'));
  const root = join(work, 'root');
  mkdirSync(root);
  prepareRoot(name, root);
  const manifest = join(work, 'site.pp');
  writeFileSync(manifest, manifestText(name, root));
  const run1 = puppetApply(work, manifest, root, false, caseEnv(name, root));
  const files1 = snapshotFiles(root, ignored(name));
  const run2 = puppetApply(work, manifest, root, false, caseEnv(name, root));
  drift(name, root);
  const noop = puppetApply(work, manifest, root, true, caseEnv(name, root));
  const expected: Expected = { run1: { lines: run1, files: files1 }, run2: { lines: run2 }, noop: { lines: noop, files: snapshotFiles(root, ignored(name)) } };
  writeFileSync(join(CASES, name, 'expected.json'), `${JSON.stringify(expected, null, 2)}\n`);
  console.log(`${name}: ${run1.length} lines, second run ${run2.length}, noop ${noop.length}`);
  rmSync(work, { recursive: true, force: true });
}
