// Agent benchmark: `kasper apply` against `puppet apply` on the same manifest, in the same run:
// 1,000 files (content and mode), packages already installed, and execs guarded by `creates`.
// Three runs each: the first (everything changes), a no-change run on the converged host, and
// a noop run on a fresh target. Plus facts collection: `kasper facts` against `facter`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand } from '../support/host.ts';
import { measure, type Measurement } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const kasper = join(root, 'packages/cli/bin/kasper.js');

export function applyManifest(target: string, files = 1000): string {
  const out = [`file { '${target}': ensure => directory }`];
  for (let i = 0; i < files; i++) {
    out.push(`file { '${target}/f${i}.conf': content => "setting_${i} = ${i * 7}\\nowner = bench\\n", mode => '0640' }`);
  }
  for (const p of ['bash', 'coreutils', 'dpkg', 'tar', 'gzip']) out.push(`package { '${p}': ensure => installed }`);
  for (let i = 0; i < 20; i++) {
    out.push(`exec { 'make-${i}': command => '/usr/bin/touch ${target}/made-${i}', creates => '${target}/made-${i}', require => File['${target}'] }`);
  }
  return out.join('\n') + '\n';
}

const cell = (m: Measurement | null) => (m ? `${m.medianMs.toFixed(0)} ms, ${m.peakRssMiB.toFixed(0)} MiB` : '—');
const ratio = (k: Measurement, p: Measurement | null) => (p ? `${(p.medianMs / k.medianMs).toFixed(1)}× / ${(p.peakRssMiB / k.peakRssMiB).toFixed(1)}×` : '—');

/**
 * One row: Kasper, then Puppet with Debian's modulepath (the 93 modules in /usr/share/puppet/modules,
 * whose custom facts every `puppet apply` loads) and with an empty one, each with its ratio
 * (time / memory, Puppet ÷ Kasper).
 */
function row(what: string, k: Measurement, full: Measurement | null, empty: Measurement | null = null): string {
  return `| ${what} | ${cell(k)} | ${cell(full)} | ${ratio(k, full)} | ${cell(empty)} | ${ratio(k, empty)} |`;
}

export function runApplyBench(): BenchReport {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-apply-'));
  try {
    const puppet = hasCommand('puppet');
    const sites: Record<string, string> = {};
    const prepare = (name: string) => {
      const target = join(work, `target-${name}`);
      const site = join(work, `site-${name}.pp`);
      writeFileSync(site, applyManifest(target));
      sites[name] = target;
      return site;
    };
    const kasperApply = (site: string, extra: string[] = []) => [kasper, 'apply', site, '--vardir', join(work, 'kasper-var'), ...extra];
    const puppetDirs = join(work, 'puppet');
    mkdirSync(puppetDirs, { recursive: true });
    const puppetApply = (site: string, extra: string[] = []) => ['puppet', 'apply', '--confdir', join(puppetDirs, 'conf'), '--vardir', join(puppetDirs, 'var'),
      '--codedir', join(puppetDirs, 'code'), '--logdir', join(puppetDirs, 'log'), '--rundir', join(puppetDirs, 'run'), site, ...extra];
    // Puppet with nothing on its modulepath: no module's custom facts to load.
    const emptyModules = join(puppetDirs, 'no-modules');
    mkdirSync(emptyModules, { recursive: true });
    const puppetApplyEmpty = (site: string, extra: string[] = []) => puppetApply(site, ['--basemodulepath', emptyModules, ...extra]);

    const lines = [
      '| run | kasper apply | puppet apply, Debian\'s modulepath | Puppet ÷ Kasper (time / memory) | puppet apply, empty modulepath | Puppet ÷ Kasper (time / memory) |',
      '|---|---|---|---|---|---|',
    ];
    const kFirst = measure(kasperApply(prepare('k1')), 1);
    const pFirst = puppet ? measure(puppetApply(prepare('p1')), 1) : null;
    const eFirst = puppet ? measure(puppetApplyEmpty(prepare('e1')), 1) : null;
    lines.push(row('first run: 1,000 files, 5 packages, 20 execs change', kFirst, pFirst, eFirst));
    const kSame = measure(kasperApply(join(work, 'site-k1.pp')), 5);
    const pSame = puppet ? measure(puppetApply(join(work, 'site-p1.pp')), 3) : null;
    const eSame = puppet ? measure(puppetApplyEmpty(join(work, 'site-e1.pp')), 3) : null;
    lines.push(row('no-change run on the converged host', kSame, pSame, eSame));
    const kNoop = measure(kasperApply(prepare('k2'), ['--noop']), 3);
    const pNoop = puppet ? measure(puppetApply(prepare('p2'), ['--noop']), 3) : null;
    const eNoop = puppet ? measure(puppetApplyEmpty(prepare('e2'), ['--noop']), 3) : null;
    lines.push(row('noop run on a fresh target (everything would change)', kNoop, pNoop, eNoop));

    const kFacts = measure([kasper, 'facts'], 5);
    const pFacts = hasCommand('facter') ? measure(['facter', '--json'], 3) : null;
    // facter alone loads no module's facts: its row has the empty-modulepath column only.
    lines.push(row('facts: `kasper facts` vs `facter --json`', kFacts, null, pFacts));
    void sites;
    return { name: 'apply', lines };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
