// Module types benchmark (issue 15): a no-change run of a catalog with 200 file_line, 200
// ini_setting, 50 concat files of 5 fragments and 50 cron jobs, `kasper apply` against
// `puppet apply` of the same manifest (Debian's stdlib, inifile and concat modules on both
// modulepaths). Each tool converges its own target first (measured once), then the no-change
// run is measured. The cron jobs go to a test user's crontab per tool (created, then removed).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, isRoot } from '../support/host.ts';
import { measure, type Measurement } from './measure.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const kasper = join(root, 'packages/cli/bin/kasper.js');
const MODULEPATH = '/usr/share/puppet/modules';

/** The target's files the file_lines edit (20 files of 10 lines), written before the first run. */
function seed(target: string): void {
  mkdirSync(target, { recursive: true });
  for (let f = 0; f < 20; f++) {
    writeFileSync(join(target, `lines-${f}.conf`), Array.from({ length: 10 }, (_, i) => `key${i} = old${i}\n`).join(''));
  }
}

export function moduleTypesManifest(target: string, cronUser: string | undefined): string {
  const out: string[] = [];
  for (let f = 0; f < 20; f++) {
    for (let i = 0; i < 10; i++) {
      const path = `${target}/lines-${f}.conf`;
      out.push(i < 5
        ? `file_line { 'l${f}-${i}': path => '${path}', line => 'key${i} = new${i}', match => '^key${i} =' }`
        : `file_line { 'l${f}-${i}': path => '${path}', line => 'added${i} = yes' }`);
    }
  }
  for (let f = 0; f < 2; f++) {
    for (let i = 0; i < 100; i++) {
      out.push(`ini_setting { 'ini${f}-${i}': path => '${target}/settings-${f}.ini', section => 'section${i % 10}', setting => 'setting${i}', value => 'value${i}' }`);
    }
  }
  for (let c = 0; c < 50; c++) {
    out.push(`concat_file { '${target}/concat-${c}.conf': mode => '0644' }`);
    for (let i = 0; i < 5; i++) out.push(`concat_fragment { 'c${c}-${i}': target => '${target}/concat-${c}.conf', order => '${i}', content => "part ${i} of ${c}\\n" }`);
  }
  if (cronUser) {
    for (let j = 0; j < 50; j++) out.push(`cron { 'job${j}': user => '${cronUser}', command => '/bin/true job${j}', minute => ${j % 60}, hour => ${j % 24} }`);
  }
  return `${out.join('\n')}\n`;
}

function row(what: string, k: Measurement, p: Measurement | null): string {
  const ratio = p ? `time ${(p.medianMs / k.medianMs).toFixed(1)}×, memory ${(p.peakRssMiB / k.peakRssMiB).toFixed(1)}×` : 'Puppet not installed';
  const puppet = p ? `${p.medianMs.toFixed(0)} ms, ${p.peakRssMiB.toFixed(0)} MiB` : '—';
  return `| ${what} | ${k.medianMs.toFixed(0)} ms, ${k.peakRssMiB.toFixed(0)} MiB | ${puppet} | ${ratio} |`;
}

function makeUser(name: string): boolean {
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
    return true;
  } catch {
    try {
      execFileSync('useradd', ['-M', '-s', '/usr/sbin/nologin', name], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
}

function dropUser(name: string): void {
  try {
    execFileSync('crontab', ['-r', '-u', name], { stdio: 'ignore' });
  } catch {
    // no crontab
  }
  try {
    execFileSync('userdel', [name], { stdio: 'ignore' });
  } catch {
    // gone already
  }
}

export function runModuleTypesBench(): BenchReport {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-modtypes-'));
  const cron = isRoot && hasCommand('crontab');
  const users = { k: 'kbench-k', p: 'kbench-p' };
  try {
    const puppet = hasCommand('puppet');
    const site = (who: 'k' | 'p') => {
      const target = join(work, `target-${who}`);
      seed(target);
      const file = join(work, `site-${who}.pp`);
      writeFileSync(file, moduleTypesManifest(target, cron && makeUser(users[who]) ? users[who] : undefined));
      return file;
    };
    const kasperApply = (file: string) => [kasper, 'apply', file, '--modulepath', MODULEPATH, '--vardir', join(work, 'kasper-var')];
    const pd = join(work, 'puppet');
    const puppetApply = (file: string) => ['puppet', 'apply', `--modulepath=${MODULEPATH}`, '--confdir', join(pd, 'conf'), '--vardir', join(pd, 'var'),
      '--codedir', join(pd, 'code'), '--logdir', join(pd, 'log'), '--rundir', join(pd, 'run'), file];
    const what = `200 file_line, 200 ini_setting, 50 concat × 5 fragments${cron ? ', 50 cron' : ' (cron left out: needs root and crontab)'}`;
    const lines = ['| run | kasper apply | puppet apply | Puppet ÷ Kasper |', '|---|---|---|---|'];
    const kSite = site('k');
    const kFirst = measure(kasperApply(kSite), 1);
    const pSite = puppet ? site('p') : '';
    const pFirst = puppet ? measure(puppetApply(pSite), 1) : null;
    lines.push(row(`first run: ${what} change`, kFirst, pFirst));
    const kSame = measure(kasperApply(kSite), 5);
    const pSame = puppet ? measure(puppetApply(pSite), 3) : null;
    lines.push(row('no-change run on the converged target', kSame, pSame));
    return { name: 'modtypes', lines };
  } finally {
    if (cron) for (const u of Object.values(users)) dropUser(u);
    rmSync(work, { recursive: true, force: true });
  }
}
