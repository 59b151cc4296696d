// `npm run bench`: runs every benchmark, prints its table, and with --write-docs replaces the
// matching section of docs/performance.md (between <!-- bench:NAME:start --> and :end -->), so the
// document always shows numbers measured in one run on one machine.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runParserBench, type BenchReport } from './parser.bench.ts';
import { runCompileBench } from './compile.bench.ts';
import { runApplyBench } from './apply.bench.ts';
import { runMasterBench } from './master.bench.ts';
import { runDiffBench } from './diff.bench.ts';
import { runPushBench } from './push.bench.ts';
import { runRunsBench } from './runs.bench.ts';
import { runDaemonBench } from './daemon.bench.ts';
import { runRubyBench } from './ruby.bench.ts';
import { runPdbBench } from './pdb.bench.ts';
import { runModuleTypesBench } from './module-types.bench.ts';
import { runErbBench } from './erb.bench.ts';
import { runStartupBench } from './startup.bench.ts';
import { runEyamlBench } from './eyaml.bench.ts';

const root = join(import.meta.dirname, '../..');
const writeDocs = process.argv.includes('--write-docs');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

const benches: Record<string, () => BenchReport | Promise<BenchReport>> = {
  startup: runStartupBench,
  parser: runParserBench,
  compile: runCompileBench,
  apply: runApplyBench,
  master: runMasterBench,
  diff: runDiffBench,
  push: runPushBench,
  runs: runRunsBench,
  daemon: runDaemonBench,
  ruby: () => runRubyBench(),
  pdb: () => runPdbBench(),
  modtypes: runModuleTypesBench,
  erb: runErbBench,
  eyaml: runEyamlBench,
};

function puppetVersion(): string {
  try {
    return execFileSync('puppet', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'not installed';
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; Puppet ${puppetVersion()}; ${new Date().toISOString().slice(0, 10)}`;
console.log(`Machine: ${machine}\n`);
let doc = writeDocs ? readFileSync(join(root, 'docs/performance.md'), 'utf8') : '';
for (const [name, bench] of Object.entries(benches)) {
  if (only.length && !only.includes(name)) continue;
  const report = await bench();
  console.log(`## ${name}\n\n${report.lines.join('\n')}\n`);
  if (writeDocs) {
    const start = `<!-- bench:${name}:start -->`;
    const end = `<!-- bench:${name}:end -->`;
    const a = doc.indexOf(start);
    const b = doc.indexOf(end);
    if (a < 0 || b < a) throw new Error(`docs/performance.md has no ${start} … ${end} section`);
    doc = `${doc.slice(0, a + start.length)}\n_Measured ${machine}._\n\n${report.lines.join('\n')}\n${doc.slice(b)}`;
  }
}
if (writeDocs) {
  writeFileSync(join(root, 'docs/performance.md'), doc);
  console.log('docs/performance.md updated');
}
