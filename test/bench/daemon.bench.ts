// The agent daemon's memory (issue 19: ≤ 60 MiB between runs, ≤ 80 MiB during a 1,000-resource
// run). A real `kasper master` on loopback serves the apply benchmark's 1,000-file site over
// mutual TLS to a real `kasper agent` daemon: its first run (it makes its key and gets its
// certificate; everything changes), a second on SIGHUP with the files removed (everything changes
// again, the certificate in hand), then NOCHANGE more (nothing changes), then it waits.
//
// During a run the daemon is one Node process that became its run (process.execve, same PID:
// `kasper agent --daemon-run <json>`) and becomes its supervisor again after it; a daemon of an
// older commit (or without process.execve) is two, the supervisor and a run process it started,
// which map the same `node` executable and libraries. What is counted is every page resident in
// the run and the supervisor (if it is another process), once (tree-memory.ts: their physical
// frames from /proc/PID/pagemap), sampled every 10 ms during the run, at its highest; the
// commands a run starts for its resources (dpkg-query, the execs) are not counted. Beside it: the
// run's own peak (VmHWM, the kernel's count), what is a separate supervisor's alone then
// (Private_Clean + Private_Dirty; 0 when the daemon became its run), and the sum of the PSS at the
// tree's peak (which depends on what else runs here: PSS shares a page among every process on the
// machine mapping it).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyManifest } from './apply.bench.ts';
import type { BenchReport } from './parser.bench.ts';
import { canReadFrames, childrenOf, hwmMiB, privateMiB, pssMiB, rssMiB, unionMiB } from './tree-memory.ts';

const root = join(import.meta.dirname, '../..');
const NOCHANGE = 6;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunMemory {
  /** Every page of the supervisor and the run process, once, at its highest (MiB). */
  tree: number;
  /** The run process's peak resident set (VmHWM). */
  runPeak: number;
  /** The supervisor's private memory at the tree's peak. */
  supervisorPrivate: number;
  /** Sum of the two processes' PSS at the tree's peak. */
  pss: number;
  /** Wall time of the run process. */
  ms: number;
}

export interface DaemonMemory {
  runs: RunMemory[];
  /** The daemon alone, a few seconds after its last run: resident set and private memory. */
  idleRss: number;
  idlePrivate: number;
}

/**
 * The daemon's memory over `1 + nochange` runs of the 1,000-file site. `kasper`: the command's
 * script (this checkout's unless said); `env`: the environment of the master and the daemon.
 */
export async function measureDaemon(options: { kasper?: string; nochange?: number; env?: NodeJS.ProcessEnv; agentConf?: string } = {}): Promise<DaemonMemory> {
  const kasper = options.kasper ?? join(root, 'packages/cli/bin/kasper.js');
  const env = options.env ?? process.env;
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-daemon-'));
  const port = 20300 + (process.pid % 500);
  const procs: ReturnType<typeof spawn>[] = [];
  let sampler: NodeJS.Timeout | undefined;
  try {
    const conf = join(work, 'master');
    mkdirSync(join(conf, 'environments/production/manifests'), { recursive: true });
    writeFileSync(join(conf, 'environments/production/manifests/site.pp'), `node default {\n${applyManifest(join(work, 'target'))}}\n`);
    let masterLog = '';
    const master = spawn(process.execPath, [kasper, 'master', '--confdir', conf, '--vardir', join(conf, 'var'), '--bind', '127.0.0.1', '--port', String(port),
      '--certname', 'localhost', '--autosign', '*.test'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    procs.push(master);
    master.stdout!.on('data', (d) => (masterLog += d));
    master.stderr!.on('data', (d) => (masterLog += d));
    for (let i = 0; i < 600 && !masterLog.includes('listening'); i++) await sleep(100);
    if (!masterLog.includes('listening')) throw new Error(`the master did not start: ${masterLog}`);

    const agentConf = join(work, 'agent');
    mkdirSync(agentConf, { recursive: true });
    if (options.agentConf) writeFileSync(join(agentConf, 'kasper.conf'), options.agentConf);
    let log = '';
    const daemon = spawn(process.execPath, [kasper, 'agent', '--server', 'localhost', '--port', String(port), '--certname', 'daemon.test',
      '--confdir', agentConf, '--vardir', join(work, 'agent-var'), '--runinterval', '3600', '--waitforcert', '2'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    procs.push(daemon);
    daemon.stdout!.on('data', (d) => (log += d));
    daemon.stderr!.on('data', (d) => (log += d));
    const pid = daemon.pid!;

    // One record per run: a run process by its pid, the daemon become its run by the how-manieth.
    const runs = new Map<number | string, RunMemory & { started: number; ended: number; childRss: number }>();
    const isRun = (p: number) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('--daemon-run');
      } catch {
        return false;
      }
    };
    let became = 0;
    let wasRun = false;
    const sample = () => {
      const self = isRun(pid);
      if (self && !wasRun) became++;
      wasRun = self;
      const kids = self ? [pid] : childrenOf(pid).filter(isRun);
      for (const child of kids) {
        const now = performance.now();
        const key = child === pid ? `became ${became}` : child;
        let r = runs.get(key);
        if (!r) runs.set(key, (r = { tree: 0, runPeak: 0, supervisorPrivate: 0, pss: 0, ms: 0, started: now, ended: now, childRss: 0 }));
        const hwm = hwmMiB(child);
        if (hwm === 0) continue;
        r.ended = now;
        r.runPeak = hwm;
        // Pages counted only near the run process's highest resident set: reading every page
        // table every 10 ms would take a core from the run measured.
        const rss = rssMiB(child);
        if (rss < r.childRss - 1) continue;
        r.childRss = Math.max(r.childRss, rss);
        const tree = unionMiB(child === pid ? [pid] : [pid, child]);
        if (tree > r.tree) {
          r.tree = tree;
          r.supervisorPrivate = child === pid ? 0 : privateMiB(pid);
          r.pss = child === pid ? pssMiB(pid) : pssMiB(pid) + pssMiB(child);
        }
      }
    };
    sampler = setInterval(sample, 10);
    const summaries = () => (log.match(/^Notice: Applied catalog/gm) ?? []).length;
    const runGone = async () => {
      for (let i = 0; i < 600 && (childrenOf(pid).length > 0 || isRun(pid)); i++) await sleep(20);
    };
    const until = async (n: number) => {
      for (let i = 0; i < 1200 && summaries() < n; i++) await sleep(50);
      if (summaries() < n) throw new Error(`run ${n} did not end: ${log}`);
      await runGone();
    };
    await until(1);
    const nochange = options.nochange ?? NOCHANGE;
    for (let i = 0; i < 1 + nochange; i++) {
      await sleep(300);
      if (i === 0) rmSync(join(work, 'target'), { recursive: true, force: true });
      daemon.kill('SIGHUP');
      await until(i + 2);
    }
    clearInterval(sampler);
    sampler = undefined;
    await sleep(3000);
    const idleRss = rssMiB(pid);
    const idlePrivate = privateMiB(pid);
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    return {
      runs: [...runs.values()].map(({ started, ended, childRss: _, ...r }) => ({ ...r, ms: ended - started })),
      idleRss, idlePrivate,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    for (const p of procs) p.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runDaemonBench(): Promise<BenchReport> {
  if (!canReadFrames()) return { name: 'daemon', lines: ['(not measured: reading /proc/PID/pagemap needs root)'] };
  const m = await measureDaemon();
  const [first, changes, ...rest] = m.runs;
  const cell = (r: Pick<RunMemory, 'tree' | 'runPeak' | 'supervisorPrivate' | 'pss'>) =>
    `**${r.tree.toFixed(1)} MiB** | ${r.runPeak.toFixed(1)} MiB | ${r.supervisorPrivate.toFixed(1)} MiB | ${r.pss.toFixed(1)} MiB`;
  const pick = (f: (r: RunMemory) => number) => median(rest.map(f));
  return {
    name: 'daemon',
    lines: [
      '| the agent daemon | the daemon\'s processes, each page once (goal) | the run (VmHWM) | a separate supervisor\'s own | sum of PSS |',
      '|---|---|---|---|---|',
      `| during its first run of the 1,000-file site (its key and certificate made; everything changes) | ${cell(first)} |`,
      `| during a run where everything changes (the files removed) | ${cell(changes)} |`,
      `| during a no-change run (median of ${rest.length}) | ${cell({ tree: pick((r) => r.tree), runPeak: pick((r) => r.runPeak), supervisorPrivate: pick((r) => r.supervisorPrivate), pss: pick((r) => r.pss) })} |`,
      `| between runs (the supervisor, resident set) | **${m.idleRss.toFixed(1)} MiB** | — | ${m.idlePrivate.toFixed(1)} MiB | — |`,
    ],
  };
}

if (process.argv[1] === import.meta.filename) {
  if (process.argv.includes('--json')) console.log(JSON.stringify(await measureDaemon(), null, 1));
  else console.log((await runDaemonBench()).lines.join('\n'));
}
