// From git push to every node, in order, on a fleet of real processes: a master in one network
// namespace, three agent daemons in others (joined by a bridge), each agent's host also serving
// a small web service whose health page the catalog writes. Code reaches the master by
// `git push` to its repository (kasper code: the push answers with the diff for every node and
// deploys). `kasper run` (run in the master's namespace, with the master's certificate) asks the
// agents through their open connections:
//   1. --batch 1 with a health URL and before/after hooks converges the nodes one by one, each
//      hook seeing the fleet as it was at that moment;
//   2. code whose health page is broken fails the check on the first node: the rollout stops,
//      the other two are left untouched (their files, their hooks), exit 1;
//   3. a noop run chosen by class touches only that class's node and changes nothing; a run
//      that cannot happen (its lock held) is answered at once by a failed report;
//   4. an agent whose connection is cut (its socket killed, new ones refused) is known to the
//      master as gone, still runs on its interval, and connects again when it can;
//   5. docs/deploy.md's HAProxy recipe: Debian's haproxy balances the three web services, and
//      the hooks take each node out (`disable server`) and put it back (`enable server`) through
//      its admin socket, so every node runs while out of the pool and all are in it at the end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../packages/storage/src/index.ts';
import { rootSpec, runQuery } from '../../packages/query/src/index.ts';
import { ensureCommands, hasCommand, isRoot, needs } from '../support/host.ts';
import { TestNetwork } from '../support/netns.ts';

const root = join(import.meta.dirname, '../..');
const node = process.execPath;
const kasper = join(root, 'packages/cli/bin/kasper.js');
const tag = String((process.pid % 9000) + 1000);
const MASTER_NS = `krm${tag}`;
const net = `10.${78 + (Number(tag) % 20)}.${Number(tag) % 250}`;
const MASTER_IP = `${net}.1`;
const AGENTS = [1, 2, 3].map((i) => ({ ns: `kra${tag}-${i}`, name: `agent${i}.rolling.test`, ip: `${net}.${10 + i}` }));
const PORT = 8140;
const WEB_PORT = 8080;
let reason: string | null = isRoot && hasCommand('ip') && hasCommand('nft') && hasCommand('ss')
  ? null : 'the rolling-run test needs root, iproute2 (ip, ss) and nftables (network namespaces)';
const work = mkdtempSync(join(tmpdir(), 'kasper-rolling-'));
const mconf = join(work, 'master');
const src = join(work, 'src');
const repo = join(mconf, 'var/code/repo.git');
const procs: ChildProcess[] = [];
let master: { proc: ChildProcess; log: () => string } | undefined;
const daemons = new Map<string, { proc: ChildProcess; log: () => string }>();

const sh = (...args: string[]) => execFileSync(args[0], args.slice(1), { stdio: 'pipe' });
const network = new TestNetwork(MASTER_NS, `kr${tag}`, MASTER_IP);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(ns: string, args: string[]): { proc: ChildProcess; log: () => string } {
  let log = '';
  const proc = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  procs.push(proc);
  return { proc, log: () => log };
}

async function until(what: string, ok: () => boolean | Promise<boolean>, seconds = 60, log = () => ''): Promise<void> {
  for (let i = 0; i < seconds * 5; i++) {
    if (await ok()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}\n${log()}`);
}

const git = (...args: string[]) => execFileSync('git', ['-C', src, ...args], { encoding: 'utf8', stdio: 'pipe' });

/**
 * The code, pushed to the master: each node writes its version, and its web service's health
 * page (broken in a bad version). Returns what the push printed and the commit.
 */
function pushSite(version: string, health: string): { output: string; commit: string } {
  writeFileSync(join(src, 'manifests/site.pp'), `class role::web { }
class role::db { }
node default {
  if $trusted['certname'] =~ /^agent3/ { include role::db } else { include role::web }
  file { "${work}/out-\${trusted['certname']}.txt": content => "${version}\\n" }
  file { "${work}/www-\${trusted['certname']}": ensure => directory }
  file { "${work}/www-\${trusted['certname']}/health": content => "${health}\\n" }
}
`);
  git('add', '-A');
  git('commit', '-q', '-m', `${version}: health ${health}`);
  const pushed = spawnSync('git', ['-C', src, 'push', repo, 'production'], { encoding: 'utf8' });
  if (pushed.status !== 0) throw new Error(`git push failed: ${pushed.stdout}${pushed.stderr}`);
  return { output: pushed.stderr, commit: git('rev-parse', 'HEAD').trim() };
}

const startMaster = () => start(MASTER_NS, [node, kasper, 'master', '--confdir', mconf, '--vardir', join(mconf, 'var'),
  '--bind', MASTER_IP, '--port', String(PORT), '--certname', 'master.rolling.test', '--dns-alt-names', `master.rolling.test,${MASTER_IP}`,
  '--autosign', '*.rolling.test']);

function startAgent(a: typeof AGENTS[number], runinterval: number) {
  const d = start(a.ns, [node, kasper, 'agent', '--server', MASTER_IP, '--port', String(PORT), '--certname', a.name,
    '--confdir', join(work, a.name, 'conf'), '--vardir', join(work, a.name, 'var'), '--waitforcert', '2', '--runinterval', String(runinterval)]);
  daemons.set(a.name, d);
  return d;
}

/** `kasper run …` from the master's namespace (where agents' names resolve, /etc/netns/NS/hosts). */
function run(...args: string[]) {
  const r = spawnSync('ip', ['netns', 'exec', MASTER_NS, node, kasper, 'run', '--confdir', mconf, '--server', MASTER_IP, '--port', String(PORT),
    '--certname', 'master.rolling.test', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}
const connected = () => run('--connected').out.trim().split('\n').filter(Boolean);
const out = (a: typeof AGENTS[number]) => (existsSync(join(work, `out-${a.name}.txt`)) ? readFileSync(join(work, `out-${a.name}.txt`), 'utf8').trim() : '');
const applied = (a: typeof AGENTS[number]) => (daemons.get(a.name)!.log().match(/^Notice: Applied catalog/gm) ?? []).length;

before(async () => {
  if (reason) return;
  try {
    network.create();
    for (const [i, a] of AGENTS.entries()) network.plug(a.ns, a.ip, String(i));
    // In the master's namespace the agents' names resolve (ip netns exec mounts this over /etc/hosts).
    mkdirSync(`/etc/netns/${MASTER_NS}`, { recursive: true });
    writeFileSync(`/etc/netns/${MASTER_NS}/hosts`, `127.0.0.1 localhost\n${AGENTS.map((a) => `${a.ip} ${a.name}`).join('\n')}\n`);
  } catch (e) {
    reason = `cannot build the test network: ${(e as Error).message}`;
    return;
  }
  mkdirSync(mconf, { recursive: true });
  // Heartbeats every 2 s, so a dead connection is noticed quickly.
  writeFileSync(join(mconf, 'kasper.conf'), '[master]\nrun_heartbeat = 2\n');
  // The master's repository, and a clone of it to push from.
  const init = spawnSync(node, [kasper, 'code', 'init', '--confdir', mconf, '--vardir', join(mconf, 'var')], { encoding: 'utf8' });
  if (init.status !== 0) {
    reason = `kasper code init failed: ${init.stderr}`;
    return;
  }
  mkdirSync(join(src, 'manifests'), { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'production', src]);
  git('config', 'user.email', 'ops@rolling.test');
  git('config', 'user.name', 'ops');
  pushSite('v1', 'ok v1');
  // Each agent's web service: 200 while its health page says ok, 503 otherwise.
  for (const a of AGENTS) {
    start(a.ns, [node, '-e', `
      const fs = require('node:fs');
      require('node:http').createServer((req, res) => {
        let text = 'no page yet';
        try { text = fs.readFileSync(${JSON.stringify(join(work, `www-${a.name}`, 'health'))}, 'utf8'); } catch {}
        res.writeHead(req.url === '/health' && text.startsWith('ok') ? 200 : 503).end(text);
      }).listen(${WEB_PORT}, ${JSON.stringify(a.ip)});`]);
  }
  master = startMaster();
  await until('the master', () => master!.log().includes('listening'), 60, master.log).catch((e: Error) => (reason = e.message));
});

after(() => {
  for (const p of procs) p.kill('SIGKILL');
  network.remove();
  rmSync(`/etc/netns/${MASTER_NS}`, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

test('rolling runs: one by one with hooks, a failing health check stops the rollout, noop by class, a dropped connection', async (t) => {
  if (!needs(t, reason === null, reason ?? '')) return;
  const [a1, a2, a3] = AGENTS;
  for (const a of AGENTS) startAgent(a, 3600);
  const logs = () => [master!.log(), ...[...daemons.values()].map((d) => d.log())].join('\n----\n');
  await until('three agents converged and connected', () => AGENTS.every((a) => out(a) === 'v1') && connected().length === 3, 120, logs);
  assert.deepEqual(connected(), AGENTS.map((a) => a.name));

  // 1. A new version, pushed: the push answers with what changes on every node, and deploys.
  const v2 = pushSite('v2', 'ok v2');
  assert.match(v2.output, /3 nodes: 3 changed/, v2.output);
  for (const a of AGENTS) assert.match(v2.output, new RegExp(a.name.replace(/\./g, '\\.')));
  assert.match(v2.output, new RegExp(`environment production deployed at ${v2.commit.slice(0, 12)}`));
  //    Then, one node at a time: each before hook sees the nodes before it converged and the
  //    others not yet; each after hook sees its own node converged and healthy.
  const hooks = join(work, 'hooks.log');
  const fleet = `$(cat ${work}/out-agent1.rolling.test.txt ${work}/out-agent2.rolling.test.txt ${work}/out-agent3.rolling.test.txt | tr '\\n' ' ')`;
  const hookLines = () => readFileSync(hooks, 'utf8').trim().split('\n').map((l) => l.trimEnd());
  const hookArgs = ['--before', `echo "before {node}: ${fleet}" >> ${hooks}`, '--after', `echo "after $KASPER_NODE: ${fleet}" >> ${hooks}`];
  const first = run('--nodes', '*.rolling.test', '--batch', '1', '--check-url', `http://{node}:${WEB_PORT}/health`, ...hookArgs);
  assert.equal(first.code, 0, first.out);
  assert.deepEqual(hookLines(), [
    'before agent1.rolling.test: v1 v1 v1', 'after agent1.rolling.test: v2 v1 v1',
    'before agent2.rolling.test: v2 v1 v1', 'after agent2.rolling.test: v2 v2 v1',
    'before agent3.rolling.test: v2 v2 v1', 'after agent3.rolling.test: v2 v2 v2',
  ]);
  assert.match(first.out, /Rollout (run-\S+): finished\n {2}ran: {7}3 .*\n {2}changed: {3}3 /);
  const job = /Rollout (run-\S+):/.exec(first.out)![1];
  // The agents ran because they were asked, with the rollout's job id. (The daemons' output is
  // read between turns of this process's event loop, which the synchronous run held up.)
  await until('the daemons\' output', () => AGENTS.every((a) => daemons.get(a.name)!.log().includes(job)), 10, logs);
  for (const a of AGENTS) assert.match(daemons.get(a.name)!.log(), new RegExp(`Running as ${MASTER_IP} asked \\(job ${job}\\)`));
  // The master stored their reports with it (PuppetDB's job_id): one query finds the rollout's runs.
  const store = openStorage(join(mconf, 'var', 'kasper.db'));
  const byJob = JSON.parse((await runQuery({ storage: store }, rootSpec(['from', 'reports', ['extract', ['certname', 'status', 'code_id'], ['=', 'job_id', job]], ['order_by', ['certname']]]))).body);
  await store.close();
  // … and each applied the pushed commit.
  assert.deepEqual(byJob, AGENTS.map((a) => ({ certname: a.name, status: 'changed', code_id: v2.commit })));

  // 2. A version whose service is broken: the first node runs, fails its health check and is not
  //    added back; the rollout stops there and the two others are untouched.
  const v3 = pushSite('v3', 'broken v3');
  assert.match(v3.output, /3 nodes: 3 changed/, v3.output);
  rmSync(hooks);
  const second = run('--nodes', '*.rolling.test', '--batch', '1', '--check-url', `http://{node}:${WEB_PORT}/health`, '--check-timeout', '3',
    '--report', join(work, 'rollout.json'), ...hookArgs);
  assert.equal(second.code, 1, second.out);
  assert.deepEqual(hookLines(), ['before agent1.rolling.test: v2 v2 v2']);
  assert.deepEqual(AGENTS.map(out), ['v3', 'v2', 'v2']);
  assert.match(second.out, /Rollout run-\S+: STOPPED/);
  assert.match(second.out, new RegExp(`failed: {4}1 {2}${a1.name}\n {2}${a1.name}: health check failed: http://${a1.name}:${WEB_PORT}/health answered 503: broken v3`));
  assert.match(second.out, new RegExp(`untouched: 2 {2}${a2.name}, ${a3.name}`));
  // The same as JSON, for scripts.
  const written = JSON.parse(readFileSync(join(work, 'rollout.json'), 'utf8')) as { stopped: boolean; ran: string[]; failed: string[]; untouched: string[]; nodes: { node: string; phase: string; detail?: string }[] };
  assert.deepEqual([written.stopped, written.ran, written.failed, written.untouched], [true, [a1.name], [a1.name], [a2.name, a3.name]]);
  assert.match(written.nodes[0].detail!, /health check failed/);

  // 3. Noop, chosen by class and fact: only agent3 (role::db) is asked, and nothing changes.
  const noop = run('--nodes', 'class=Role::Db and facts.kernel=Linux', '--noop', '--before', `echo before >> ${hooks}`);
  assert.equal(noop.code, 0, noop.out);
  assert.match(noop.out, new RegExp(`1 {5}${a3.name.replace(/\./g, '\\.')} +done +\\S+ +would change 2`));
  assert.match(noop.out, /ran: {7}1 /);
  assert.equal(out(a3), 'v2');
  assert.deepEqual(hookLines().length, 1, 'no hooks in noop');

  // A run that cannot happen (another run holds agent2's lock) is answered at once with a
  // failed report saying why, not after the wait for a report runs out.
  const holder = spawn('sleep', ['120']);
  procs.push(holder);
  const lock = join(work, a2.name, 'var/state/agent_catalog_run.lock');
  writeFileSync(lock, String(holder.pid));
  const locked = run('--nodes', a2.name, '--timeout', '120');
  assert.equal(locked.code, 1, locked.out);
  assert.match(locked.out, /agent2\.rolling\.test: the run failed \(0 resource\(s\) failed\): Another agent run is in progress \(lock held\)/);
  assert.equal(out(a2), 'v2');
  holder.kill('SIGKILL');
  rmSync(lock, { force: true });

  // 4. agent3 again, running every 3 s. Its connection is cut: the socket killed, and new
  //    connections to the master refused for a while.
  daemons.get(a3.name)!.proc.kill('SIGTERM');
  await until('agent3 to stop', () => daemons.get(a3.name)!.log().includes('Kasper agent stopped'), 60, logs);
  const d3 = startAgent(a3, 3);
  await until('agent3 connected again', () => connected().includes(a3.name), 60, d3.log);
  sh('ip', 'netns', 'exec', a3.ns, 'nft', 'add table inet cut; add chain inet cut out { type filter hook output priority 0; }; '
    + `add rule inet cut out ip daddr ${MASTER_IP} tcp dport ${PORT} tcp flags syn reject with tcp reset`);
  sh('ip', 'netns', 'exec', a3.ns, 'ss', '-K', 'dst', MASTER_IP, 'dport', '=', String(PORT));
  await until('agent3 to notice', () => /Lost the connection to .* for run requests/.test(d3.log()), 30, d3.log);
  // The master knows within a heartbeat or two that it is gone, and says so when asked to run it.
  await until('the master to see agent3 gone', () => !connected().includes(a3.name), 30, logs);
  const refused = run('--nodes', a3.name);
  assert.equal(refused.code, 1);
  assert.match(refused.out, /not connected to the master/);
  // Still running on its interval (on its cached catalog, as it cannot reach the master now).
  const before = applied(a3);
  await until('two more interval runs', () => applied(a3) >= before + 2, 60, d3.log);
  assert.match(d3.log(), /APPLYING THE CACHED CATALOG/);
  // The way open again: it connects again by itself, and can be asked to run.
  sh('ip', 'netns', 'exec', a3.ns, 'nft', 'delete table inet cut');
  await until('agent3 connected after the cut', () => connected().includes(a3.name), 90, d3.log);
  const again = run('--nodes', a3.name, '--check-url', `http://{node}:${WEB_PORT}/health`, '--check-timeout', '2');
  assert.equal(again.code, 1, again.out); // v3's broken page: it converged and failed its check
  assert.equal(out(a3), 'v3');
  assert.match(again.out, /health check failed/);
});

test('the HAProxy recipe: each node disabled in the balancer while it runs, enabled after its check', async (t) => {
  if (!needs(t, reason === null, reason ?? '')) return;
  const missing = ensureCommands({ haproxy: 'haproxy', socat: 'socat' });
  if (!needs(t, missing === null, missing ?? '')) return;
  const [, , a3] = AGENTS;
  // agent3 back to a long interval: every run from here on is one kasper run asks for.
  daemons.get(a3.name)!.proc.kill('SIGTERM');
  await until('agent3 to stop', () => /Kasper agent stopped/.test(daemons.get(a3.name)!.log()), 60);
  startAgent(a3, 3600);
  await until('agent3 connected', () => connected().includes(a3.name), 60, daemons.get(a3.name)!.log);

  const sock = join(work, 'haproxy.sock');
  writeFileSync(join(work, 'haproxy.cfg'), `global
  stats socket ${sock} mode 600 level admin
defaults
  mode http
  timeout connect 2s
  timeout client 10s
  timeout server 10s
frontend www
  bind ${MASTER_IP}:8081
  default_backend web
backend web
  option httpchk GET /health
${AGENTS.map((a) => `  server ${a.name} ${a.ip}:${WEB_PORT} check inter 500ms fall 1 rise 1`).join('\n')}
`);
  const lb = start(MASTER_NS, ['haproxy', '-db', '-f', join(work, 'haproxy.cfg')]);
  const status = () => {
    const r = spawnSync('ip', ['netns', 'exec', MASTER_NS, 'sh', '-c', `echo "show stat" | socat stdio UNIX-CONNECT:${sock}`], { encoding: 'utf8' });
    return Object.fromEntries(r.stdout.split('\n').filter((l) => l.startsWith('web,') && !l.startsWith('web,BACKEND')).map((l) => [l.split(',')[1], l.split(',')[17]]));
  };
  // v3's broken health page: agent1 and agent3 are down in the balancer, agent2 (v2) up.
  await until('the balancer\'s first checks', () => JSON.stringify(status()) === JSON.stringify({ [AGENTS[0].name]: 'DOWN', [AGENTS[1].name]: 'UP', [a3.name]: 'DOWN' }), 30, lb.log);

  pushSite('v4', 'ok v4');
  const states = join(work, 'lb-states.log');
  const admin = (command: string) => `echo "${command}" | socat stdio UNIX-CONNECT:${sock}`;
  const own = (phase: string) => `echo "${phase} {node}: $(${admin('show stat')} | grep "^web,{node}," | cut -d, -f18)" >> ${states}`;
  const r = run('--nodes', '*.rolling.test', '--batch', '1', '--check-url', `http://{node}:${WEB_PORT}/health`,
    '--before', `${admin('disable server web/{node}')} && ${own('before')}`,
    '--after', `${own('after')} && ${admin('enable server web/{node}')}`);
  assert.equal(r.code, 0, r.out + lb.log());
  // Out of the pool from before its run until after its check, for each node in turn.
  assert.deepEqual(readFileSync(states, 'utf8').trim().split('\n'), AGENTS.flatMap((a) => [`before ${a.name}: MAINT`, `after ${a.name}: MAINT`]));
  assert.deepEqual(AGENTS.map(out), ['v4', 'v4', 'v4']);
  // All back in, and healthy.
  await until('every node up in the balancer', () => Object.values(status()).every((v) => v === 'UP') && Object.keys(status()).length === 3, 30, lb.log);
});
