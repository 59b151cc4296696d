// Catalog diff benchmark: 100 nodes × ~500 resources, one class changed between two commits of
// a generated control repository; the whole `kasper diff` command on this machine's cores, with
// the time split between compiling and comparing. The Puppet line is what the same work costs
// with Puppet's own compiler (what octocatalog-diff runs): two compiles per node, from one
// measured compile of the same site in the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../support/host.ts';
import { generateEnvironment } from './generate.ts';
import { measure } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const NODES = 100;
const RESOURCES = 500;

export function runDiffBench(): BenchReport {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-diff-'));
  try {
    const repo = join(work, 'control');
    const site = generateEnvironment(repo, RESOURCES);
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'ignore' });
    git('init', '-q');
    git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'add', '-A');
    git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qm', 'before');
    // One changed class: a new default mode for its files and one more package.
    const cls = join(repo, 'modules/bench/manifests/c3.pp');
    writeFileSync(cls, readFileSync(cls, 'utf8').replace("mode => '0644'", "mode => '0640'").replace(/\}\n$/, "  package { 'bench-extra': ensure => installed }\n}\n"));
    git('-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-qam', 'after');
    const facts = join(work, 'facts');
    mkdirSync(facts);
    for (let i = 1; i <= NODES; i++) {
      const name = `node${String(i).padStart(3, '0')}.example.com`;
      writeFileSync(join(facts, `${name}.json`), JSON.stringify({
        networking: { fqdn: name, hostname: name.split('.')[0], ip: `10.0.${Math.floor(i / 250)}.${i % 250}` },
        os: { family: 'Debian', name: 'Debian', release: { major: '12', full: '12.5' } },
      }));
    }
    const argv = [join(root, 'packages/cli/bin/kasper.js'), 'diff', '--repo', repo, '--from', 'HEAD~1', '--to', 'HEAD', '--facts', facts, '--all-nodes', '--format', 'json'];
    // Exit code 2: there are differences, as there should be.
    const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (run.status !== 2) throw new Error(`kasper diff exited ${run.status}: ${run.stderr}`);
    const report = JSON.parse(run.stdout) as {
      summary: { nodes: number; changed: number }; groups: { nodes: string[] }[]; timing: { compileMs: number; diffMs: number; wallMs: number; workers: number };
    };
    if (report.summary.changed !== NODES || report.groups.length !== 1) throw new Error(`expected ${NODES} nodes changed alike, got ${JSON.stringify(report.summary)}`);
    const whole = measure(argv, 3);
    const t = report.timing;
    const lines = [
      '| measure | kasper diff | Puppet 7 (two compiles per node) | Puppet ÷ Kasper |',
      '|---|---|---|---|',
    ];
    let puppetMs = NaN;
    if (hasCommand('puppet') && hasCommand('ruby')) {
      const out = mkdtempSync(join(work, 'puppet-'));
      const p = measure(['sh', '-c', `ruby "$0" "$1" "$2" > "$2/catalog.json"`, join(root, 'test/conformance/puppet-compile.rb'), repo, out], 1);
      if (p.ok) puppetMs = p.medianMs * 2 * NODES;
    }
    const ratio = Number.isFinite(puppetMs) ? `${(puppetMs / whole.medianMs).toFixed(0)}×` : '—';
    lines.push(`| whole diff: ${NODES} nodes × ${site.resources} resources, one class changed (${cpus().length} cores) | ${(whole.medianMs / 1000).toFixed(1)} s, ${whole.peakRssMiB.toFixed(0)} MiB | ${Number.isFinite(puppetMs) ? `${(puppetMs / 1000).toFixed(0)} s (from one compile)` : 'not installed'} | ${ratio} |`);
    lines.push('');
    lines.push(`Inside one run (${t.workers} worker threads, ${(t.wallMs / 1000).toFixed(1)} s from first compile to report): compiling ${2 * NODES} catalogs took ${(t.compileMs / 1000).toFixed(1)} s of thread time, comparing them ${(t.diffMs / 1000).toFixed(2)} s; the rest of the command (starting Node, loading Kasper, two git worktrees) ${((whole.medianMs - t.wallMs) / 1000).toFixed(1)} s.`);
    return { name: 'diff', lines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
