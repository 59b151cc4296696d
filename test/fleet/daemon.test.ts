// The agent daemon against a real master on loopback: runs on an interval, the daemon becoming
// each run (same PID) and its supervisor again after it, SIGHUP starts a run now (during a run: one more after it), SIGTERM lets the resource in hand finish and stops cleanly; the run lock keeps a second
// run out while its holder lives, and a stale lock (its process gone) is taken over.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const node = process.execPath;
const kasper = join(import.meta.dirname, '../../packages/cli/bin/kasper.js');
const work = mkdtempSync(join(tmpdir(), 'kasper-daemon-'));
const PORT = 18150 + (process.pid % 500);
const procs: ChildProcess[] = [];
after(() => {
  for (const p of procs) p.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

let logOnFailure = () => '';
async function until(what: string, ok: () => boolean, seconds = 30): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}: ${logOnFailure()}`);
}

function start(args: string[]): { proc: ChildProcess; log: () => string } {
  let log = '';
  const proc = spawn(node, [kasper, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  procs.push(proc);
  return { proc, log: () => log };
}

/** The processes whose parent is `pid` (from /proc). */
function children(pid: number): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return Number(readFileSync(`/proc/${d}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[1]) === pid;
    } catch {
      return false;
    }
  }).map(Number);
}

const runs = () => (existsSync(join(work, 'runs')) ? readFileSync(join(work, 'runs'), 'utf8').trim().split('\n').length : 0);

test('SIGHUP runs now, SIGTERM finishes the resource in hand, stale locks are taken over', async () => {
  const mconf = join(work, 'master');
  mkdirSync(join(mconf, 'environments/production/manifests'), { recursive: true });
  // Each run appends to `runs` and sleeps a little; `after` is made once the slow step is done.
  writeFileSync(join(mconf, 'environments/production/manifests/site.pp'), `node default {
  exec { 'slow step': command => "/bin/sh -c 'echo run >> ${work}/runs; sleep 2'", path => ['/bin', '/usr/bin'] }
  -> file { '${work}/after': content => "made after the slow step, \${facts['kasper_probe']}\\n" }
}
`);
  // A custom fact a module ships (lib/facter, Ruby): every run resolves it in the embedded Ruby,
  // the daemon's run processes and the daemon running its runs itself as well.
  mkdirSync(join(mconf, 'environments/production/modules/probe/lib/facter'), { recursive: true });
  writeFileSync(join(mconf, 'environments/production/modules/probe/lib/facter/kasper_probe.rb'),
    "Facter.add(:kasper_probe) do\n  setcode { 'resolved in Ruby' }\nend\n");
  const master = start(['master', '--confdir', mconf, '--vardir', join(mconf, 'var'), '--bind', '127.0.0.1', '--port', String(PORT),
    '--certname', 'localhost', '--autosign', '*.test']);
  await until('the master', () => master.log().includes('listening'));

  const agentArgs = ['--server', 'localhost', '--port', String(PORT), '--certname', 'd1.test', '--confdir', join(work, 'agent/conf'), '--vardir', join(work, 'agent/var')];
  const daemon = start(['agent', ...agentArgs, '--runinterval', '3600', '--waitforcert', '10']);
  logOnFailure = () => {
    let status = '';
    try {
      status = readFileSync(`/proc/${daemon.proc.pid}/status`, 'utf8').split('\n').filter((l) => /^(State|Threads|Sig|Shd)/.test(l)).join(' ')
        + ` wchan=${readFileSync(`/proc/${daemon.proc.pid}/wchan`, 'utf8')} cmdline=${readFileSync(`/proc/${daemon.proc.pid}/cmdline`, 'utf8').replace(/\0/g, ' ').slice(0, 300)}`;
    } catch (e) {
      status = `${String(e)} exit=${daemon.proc.exitCode} signal=${daemon.proc.signalCode}`;
    }
    return `${daemon.log()}\n[${status}]`;
  };
  const summaries = () => (daemon.log().match(/^Notice: Applied catalog/gm) ?? []).length;
  await until('the first run', () => summaries() === 1).catch((e: Error) => { throw new Error(`${e.message}: ${daemon.log()}`); });
  assert.equal(runs(), 1);
  assert.equal(readFileSync(join(work, 'after'), 'utf8'), 'made after the slow step, resolved in Ruby\n');
  // The daemon became its run (`kasper agent --daemon-run`, not in lite mode: the Ruby fact above
  // needs WebAssembly) and, once it is done, its supervisor again, keeping its PID (the signals
  // below reach it) and starting no process of its own: one process at any time.
  const cmdline = () => readFileSync(`/proc/${daemon.proc.pid}/cmdline`, 'utf8').split('\0');
  // The supervisor again, and catching SIGHUP (SigCgt: until its first line catches them, a new
  // image has signals' default actions, which end it; docs/agent.md).
  const hupCaught = () => (BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)/m.exec(readFileSync(`/proc/${daemon.proc.pid}/status`, 'utf8'))![1]}`) & 1n) === 1n;
  // Seen twice in a row, 0.1 s apart: during an execve the kernel shows the new command line a
  // few milliseconds (the old image's memory given back) before it resets the old image's handlers.
  let seen = false;
  const supervisor = () => {
    const now = !cmdline().includes('--daemon-run') && hupCaught();
    const twice = now && seen;
    seen = now && !twice;
    return twice;
  };
  await until('the supervisor again', () => supervisor() && cmdline().includes('--daemon-resume'), 10);
  assert.deepEqual(children(daemon.proc.pid!), []);
  // The supervisor runs in V8's lite mode (smaller; docs/performance.md). (Not from the
  // TypeScript sources: Node's type stripping needs WebAssembly, which lite mode does not have.)
  assert.equal(cmdline().includes('--lite-mode'), !process.env.KASPER_FROM_SOURCE);
  // The interval is an hour: only SIGHUP can start the second run now; a SIGHUP during that run
  // (its slow step) asks for one more right after it.
  daemon.proc.kill('SIGHUP');
  await until('the second run to reach the slow step', () => runs() === 2).catch((e: Error) => { throw new Error(`${e.message}: ${daemon.log()}`); });
  assert.ok(cmdline().includes('--daemon-run'), cmdline().join(' '));
  daemon.proc.kill('SIGHUP');
  await until('the run SIGHUP asked for during a run', () => summaries() === 3);
  assert.equal(runs(), 3);
  await until('the supervisor again', supervisor, 10);

  // A run the master asks for during a run (`kasper run`) is run right after it: the run the
  // daemon became keeps the run-request stream open while it runs, and runs what it was asked.
  daemon.proc.kill('SIGHUP');
  await until('the fourth run to reach the slow step', () => runs() === 4).catch((e: Error) => { throw new Error(`${e.message}: ${daemon.log()}`); });
  const asking = spawn(node, [kasper, 'run', '--confdir', mconf, '--server', 'localhost', '--port', String(PORT), '--certname', 'localhost',
    '--nodes', 'd1.test', '--timeout', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(asking);
  let asked = '';
  asking.stdout!.on('data', (d) => (asked += d));
  asking.stderr!.on('data', (d) => (asked += d));
  assert.equal(await new Promise<number | null>((r) => asking.once('exit', (c) => r(c))), 0, `${asked}\n${daemon.log()}`);
  assert.equal(summaries(), 5, daemon.log());
  assert.equal(runs(), 5);
  assert.match(daemon.log(), /Notice: Running as localhost asked/);
  await until('the supervisor again', supervisor, 10);

  // SIGTERM while the slow step runs: it finishes, nothing after it is applied, the daemon exits 0.
  rmSync(join(work, 'after'));
  daemon.proc.kill('SIGHUP');
  await until('the sixth run to reach the slow step', () => runs() === 6);
  // The run in hand is the daemon itself, become `kasper agent --daemon-run` for this daemon.
  assert.ok(cmdline().includes('--daemon-run'), cmdline().join(' '));
  daemon.proc.kill('SIGTERM');
  const code = await new Promise<number | null>((r) => daemon.proc.once('exit', (c) => r(c)));
  assert.equal(code, 0, daemon.log());
  assert.match(daemon.log(), /Stopping: the run was asked to end; the remaining resources were not applied/);
  assert.match(daemon.log(), /Notice: Kasper agent stopped/);
  assert.equal(existsSync(join(work, 'after')), false, 'nothing after the resource in hand');
  // The interrupted run still reported, and its lock is gone.
  const lock = join(work, 'agent/var/state/agent_catalog_run.lock');
  assert.equal(existsSync(lock), false);
  const reports = spawnSync(node, [kasper, 'report', 'list', '--node', 'd1.test', '--confdir', mconf, '--vardir', join(mconf, 'var')], { encoding: 'utf8' });
  assert.equal(reports.stdout.trim().split('\n').length, 6, reports.stdout + reports.stderr);

  // A lock held by a live process keeps a run out …
  const holder = spawn('sleep', ['30']);
  procs.push(holder);
  writeFileSync(lock, String(holder.pid));
  const refused = spawnSync(node, [kasper, 'agent', '--onetime', ...agentArgs], { encoding: 'utf8' });
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /Another agent run is in progress \(lock held\)/);
  assert.equal(runs(), 6);
  // … and once that process is gone the lock is stale: the next run takes it over.
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  // (Recording what it loads: an agent applying a catalog without Deferred values never loads the
  // parser or the compiler; one that has its certificate never loads the CA's library (node-forge;
  // only its CRL reader, @kasper/ca/crl),
  // and no agent loads the master's storage or its database drivers.)
  const record = join(work, 'loaded.json');
  const ran = spawnSync(node, ['--import', join(import.meta.dirname, '../support/loaded-packages.ts'), kasper, 'agent', '--onetime', ...agentArgs],
    { encoding: 'utf8', env: { ...process.env, KASPER_LOADED_PACKAGES: record } });
  assert.equal(ran.status, 0, ran.stderr);
  assert.equal(runs(), 7);
  const { packages } = JSON.parse(readFileSync(record, 'utf8')) as { packages: string[] };
  assert.ok(packages.includes('@kasper/agent'), packages.join(', '));
  assert.deepEqual(packages.filter((p) => ['@kasper/language', 'chevrotain', '@kasper/compiler', '@kasper/master', 'node-forge', '@kasper/storage', 'pg'].includes(p)), [], packages.join(', '));
  assert.equal(existsSync(lock), false);
  // A run process as the daemon starts it: its flags as JSON, and no command-line parser loaded.
  const flags = { server: 'localhost', port: String(PORT), certname: 'd1.test', confdir: join(work, 'agent/conf'), vardir: join(work, 'agent/var'), onetime: true };
  const asRun = spawnSync(node, ['--import', join(import.meta.dirname, '../support/loaded-packages.ts'), kasper, 'agent', '--daemon-run', JSON.stringify({ flags })],
    { encoding: 'utf8', env: { ...process.env, KASPER_LOADED_PACKAGES: record } });
  assert.equal(asRun.status, 0, asRun.stderr);
  assert.match(asRun.stdout, /Notice: Applied catalog/);
  assert.equal(runs(), 8);
  const runLoaded = JSON.parse(readFileSync(record, 'utf8')) as { packages: string[] };
  assert.ok(runLoaded.packages.includes('@kasper/agent') && !runLoaded.packages.includes('commander'), runLoaded.packages.join(', '));

  // run_process = false: the daemon runs in its own process (the lock is its own while the slow
  // step runs, and it has no child but the step's shell).
  const conf2 = join(work, 'agent2/conf');
  mkdirSync(conf2, { recursive: true });
  writeFileSync(join(conf2, 'kasper.conf'), '[agent]\nrun_process = false\n');
  rmSync(join(work, 'after'));
  const inProcess = start(['agent', '--server', 'localhost', '--port', String(PORT), '--certname', 'd2.test', '--confdir', conf2,
    '--vardir', join(work, 'agent2/var'), '--runinterval', '3600']);
  const lock2 = join(work, 'agent2/var/state/agent_catalog_run.lock');
  await until('the in-process run to reach the slow step', () => runs() === 9 && existsSync(lock2))
    .catch((e: Error) => { throw new Error(`${e.message}: ${inProcess.log()}`); });
  assert.equal(readFileSync(lock2, 'utf8'), String(inProcess.proc.pid));
  assert.ok(children(inProcess.proc.pid!).every((c) => !readFileSync(`/proc/${c}/cmdline`, 'utf8').includes('--daemon-run')));
  await until('its summary', () => /Notice: Applied catalog/.test(inProcess.log()));
  assert.equal(readFileSync(join(work, 'after'), 'utf8'), 'made after the slow step, resolved in Ruby\n', inProcess.log());
  inProcess.proc.kill('SIGTERM');
  assert.equal(await new Promise<number | null>((r) => inProcess.proc.once('exit', (c) => r(c))), 0, inProcess.log());

  // A run that throws what nothing catches (injected here, in the run's image only, while its slow
  // step runs) does not end the daemon: the error is printed and it becomes its supervisor again,
  // which removes the lock the thrown run left (the daemon's own PID).
  const inject = join(work, 'throw-in-run.mjs');
  writeFileSync(inject, "if (process.argv.includes('--daemon-run')) setTimeout(() => { throw new Error('injected failure in the run'); }, 1000);\n");
  const crashing = spawn(node, [kasper, 'agent', '--server', 'localhost', '--port', String(PORT), '--certname', 'd3.test', '--confdir', join(work, 'agent3/conf'),
    '--vardir', join(work, 'agent3/var'), '--runinterval', '3600', '--waitforcert', '10'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: `--import ${inject}` } });
  procs.push(crashing);
  let crashLog = '';
  crashing.stdout!.on('data', (d) => (crashLog += d));
  crashing.stderr!.on('data', (d) => (crashLog += d));
  logOnFailure = () => crashLog;
  const crashCmdline = () => readFileSync(`/proc/${crashing.pid}/cmdline`, 'utf8').split('\0');
  const crashHupCaught = () => (BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)/m.exec(readFileSync(`/proc/${crashing.pid}/status`, 'utf8'))![1]}`) & 1n) === 1n;
  await until('the injected failure', () => crashLog.includes('injected failure in the run'), 60).catch((e: Error) => { throw new Error(`${e.message}: ${crashLog}`); });
  await until('the supervisor again after the failure', () => {
    const now = crashCmdline().includes('--daemon-resume') && !crashCmdline().includes('--daemon-run') && crashHupCaught();
    const twice = now && seen;
    seen = now && !twice;
    return twice;
  }, 10);
  assert.equal(crashing.exitCode, null, crashLog);
  // The lock the thrown run left (the daemon's own PID) is removed by the supervisor it became again.
  assert.equal(existsSync(join(work, 'agent3/var/state/agent_catalog_run.lock')), false);
  crashing.kill('SIGTERM');
  assert.equal(await new Promise<number | null>((r) => crashing.once('exit', (c) => r(c))), 0, crashLog);
});
