// Regenerates golden.json from real Puppet 7: for every case, the first error Puppet reports
// (`puppet parser validate` for manifests, `puppet epp validate` for templates). A case Puppet
// accepts is not a negative case, so this fails and names it. CI never runs this: it reads the
// golden file, so it needs no Puppet.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const casesDir = join(here, 'cases');

export interface GoldenError {
  message: string;
  /** null when Puppet names no line (an error at the end of input). */
  line: number | null;
  column: number | null;
}

function puppetErrors(file: string): string {
  const cmd = file.endsWith('.epp') ? ['epp', 'validate'] : ['parser', 'validate'];
  try {
    execFileSync('puppet', [...cmd, '--color=false', file], { cwd: casesDir, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return `${err.stdout ?? ''}${err.stderr ?? ''}`;
  }
}

const golden: Record<string, GoldenError> = {};
const accepted: string[] = [];
for (const file of readdirSync(casesDir).sort()) {
  const out = puppetErrors(file);
  const first = out.split('\n').find((l) => l.startsWith('Error: ') && /\(file: |\(line: /.test(l));
  if (!first) {
    accepted.push(file);
    continue;
  }
  const m = /^Error: (?:Could not parse for environment \w+: )?(.*?) \((?:file: [^,)]*)?(?:, )?(?:line: (\d+))?(?:, column: (\d+))?\)$/.exec(first);
  if (!m) throw new Error(`cannot read Puppet's output for ${file}: ${first}`);
  golden[file] = { message: m[1], line: m[2] ? Number(m[2]) : null, column: m[3] ? Number(m[3]) : null };
}
if (accepted.length) {
  console.error(`Puppet accepts these cases, so they are not negative cases: ${accepted.join(', ')}`);
  process.exit(1);
}
const version = execFileSync('puppet', ['--version'], { encoding: 'utf8' }).trim();
writeFileSync(join(here, 'golden.json'), JSON.stringify({ puppetVersion: version, cases: golden }, null, 2) + '\n');
console.log(`golden.json: ${Object.keys(golden).length} cases from Puppet ${version}`);
