// Start-up benchmark: everyday commands whose time is mostly Node's and Kasper's start-up —
// `kasper --version`, `parser validate` of a one-line file, `facts`, and a no-change `apply` — run
// in interleaved rounds with `node -e 0` (the floor: Node's own start) so every command sees the
// same machine load; medians, and each command's time as a multiple of the floor in the same run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, type Measurement } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const kasper = join(root, 'packages/cli/bin/kasper.js');
const ROUNDS = 9;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function runStartupBench(): BenchReport {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-startup-'));
  try {
    writeFileSync(join(work, 'small.pp'), 'notice("hello")\n');
    // Converged from the first run on: a file that is absent and stays absent.
    writeFileSync(join(work, 'noop.pp'), `file { '${join(work, 'absent')}': ensure => absent }\n`);
    const vardir = join(work, 'var');
    const confdir = join(work, 'etc');
    mkdirSync(confdir);
    const commands: [string, string[]][] = [
      ['`node -e 0` (the floor)', [process.execPath, '-e', '0']],
      ['`kasper --version`', [kasper, '--version']],
      ['`kasper parser validate` of a one-line file', [kasper, 'parser', 'validate', join(work, 'small.pp')]],
      ['`kasper facts`', [kasper, 'facts']],
      ['`kasper apply` of a no-change manifest', [kasper, 'apply', '--confdir', confdir, '--vardir', vardir, join(work, 'noop.pp')]],
    ];
    // One warm-up of each (fills the compile cache and the page cache), then interleaved rounds.
    for (const [, argv] of commands) measure(argv, 1);
    const runs: Measurement[][] = commands.map(() => []);
    for (let r = 0; r < ROUNDS; r++) commands.forEach(([, argv], i) => runs[i].push(measure(argv, 1)));
    const failed = commands.filter((_c, i) => runs[i].some((m) => !m.ok)).map(([what]) => what);
    if (failed.length) throw new Error(`start-up benchmark: failed: ${failed.join(', ')}`);
    const floor = median(runs[0].map((m) => m.medianMs));
    const lines = [
      `Medians of ${ROUNDS} interleaved rounds (every command once per round), after one warm-up run each; the machine's load average was ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores at the start.`,
      '',
      '| command | time | × `node -e 0` | peak memory |',
      '|---|---|---|---|',
    ];
    commands.forEach(([what], i) => {
      const ms = median(runs[i].map((m) => m.medianMs));
      const rss = Math.max(...runs[i].map((m) => m.peakRssMiB));
      lines.push(`| ${what} | ${ms.toFixed(0)} ms | ${(ms / floor).toFixed(2)} | ${rss.toFixed(0)} MiB |`);
    });
    return { name: 'startup', lines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
