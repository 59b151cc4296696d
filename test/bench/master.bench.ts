// Master benchmark: simulated agents over mutual TLS against one `kasper master`, and against
// Debian's puppetserver on the same manifest in the same run (when installed): fresh compiles
// per second, cached catalog responses per second with p50/p99 latency at 100 concurrent
// agents, memory, and time to ready. puppetserver runs from its Debian configuration with the
// benchmark's code in an environment of its own.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, cpSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { CertificateAuthority } from '../../packages/ca/src/index.ts';
import { hasCommand } from '../support/host.ts';
import { generateEnvironment } from './generate.ts';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const RESOURCES = 1200;

interface Client {
  agent: Agent;
  host: string;
  port: number;
  servername: string;
}

interface Answer {
  status: number;
  ms: number;
  body?: Buffer;
  gzip?: boolean;
}

/** The answer is a whole catalog with the resources asked for. */
function checkCatalog(a: Answer): void {
  if (a.status !== 200 || !a.body) throw new Error(`no catalog: HTTP ${a.status}`);
  const catalog = JSON.parse((a.gzip ? gunzipSync(a.body) : a.body).toString('utf8')) as { resources: unknown[] };
  if (catalog.resources.length < RESOURCES) throw new Error(`a catalog of ${catalog.resources.length} resources, expected ${RESOURCES} or more`);
}

function post(c: Client, path: string, body: string): Promise<Answer> {
  const started = performance.now();
  // puppetserver takes what Puppet's agent sends: URL-encoded facts. Kasper takes both.
  const form = c.port === 8140;
  const payload = form ? new URLSearchParams({ facts_format: 'application/json', facts: JSON.stringify(JSON.parse(body).facts), environment: 'kasperbench' }).toString() : body;
  // Jetty refuses a Host header that differs from the TLS server name.
  return new Promise((resolve) => {
    const req = request({ agent: c.agent, host: c.host, port: c.port, servername: c.servername, method: 'POST', path, headers: { host: `${c.servername}:${c.port}`, accept: 'application/json', 'accept-encoding': 'gzip', 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } }, (res) => {
      // Asks for gzip as an agent does, but leaves inflating and parsing to `checkCatalog`: the
      // load generator shares the machine's two cores with the master it measures.
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: Buffer.concat(chunks), gzip: res.headers['content-encoding'] === 'gzip' }));
    });
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(payload);
  });
}

/** Runs requests with `concurrency` in flight until `count` are done or `seconds` pass. */
async function load(c: Client, make: (i: number) => [string, string], concurrency: number, count: number, seconds: number) {
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let next = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count && performance.now() < deadline) {
      const i = next++;
      const [path, body] = make(i);
      const r = await post(c, path, body);
      if (r.status === 200) {
        ok++;
        latencies.push(r.ms);
      } else failed++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { ok, failed, perSecond: ok / elapsed, p50: pct(0.5), p99: pct(0.99) };
}

/**
 * An open-loop load: `rate` requests a second spread over `agents` agents for `seconds`, each
 * latency counted from when its request was due (so a slow server cannot hide its queue).
 */
async function loadAtRate(c: Client, make: () => [string, string], agents: number, rate: number, seconds: number) {
  const total = Math.floor(rate * seconds);
  const latencies: number[] = [];
  let failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: agents }, async (_x, agent) => {
    for (let i = agent; i < total; i += agents) {
      const due = started + (i / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const [path, body] = make();
      const r = await post(c, path, body);
      if (r.status === 200) latencies.push(performance.now() - due);
      else failed++;
    }
  }));
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { ok: latencies.length, failed, perSecond: latencies.length / ((performance.now() - started) / 1000), p50: pct(0.5), p99: pct(0.99) };
}

function peakRssMiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function factsFor(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ facts: { name, values: { networking: { fqdn: name, hostname: name.split('.')[0] }, os: { family: 'Debian', name: 'Debian', release: { major: '12', full: '12.5' } }, ...extra } }, environment: 'kasperbench' });
}

async function waitFor(check: () => Promise<boolean>, seconds: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    if (await check()) return (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready in ${seconds} s`);
}

export async function runMasterBench(): Promise<BenchReport> {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-master-'));
  const lines = ['| measure | kasper master | puppetserver | Kasper ÷ puppetserver |', '|---|---|---|---|'];
  let master: ChildProcess | undefined;
  let ps: ChildProcess | undefined;
  try {
    const confdir = join(work, 'conf');
    const env = join(confdir, 'environments', 'kasperbench');
    generateEnvironment(env, RESOURCES);
    const ca = new CertificateAuthority(confdir);
    ca.setup();
    const client = ca.generate('benchagent.test');
    const start = () => {
      const p = spawn(join(root, 'packages/cli/bin/kasper.js'), ['master', '--confdir', confdir, '--vardir', join(work, 'var'), '--bind', '127.0.0.1', '--port', '18141', '--certname', 'localhost'], { stdio: ['ignore', 'pipe', 'pipe'] });
      return p;
    };
    // Time to ready, with the CA and master certificate already made (a restart).
    master = start();
    const kc: Client = { agent: new Agent({ keepAlive: true, maxSockets: 100, key: client.keyPem, cert: client.certPem, ca: ca.caCertPem() }), host: '127.0.0.1', port: 18141, servername: 'localhost' };
    await waitFor(async () => (await post(kc, '/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test'))).status === 200, 60);
    master.kill('SIGTERM');
    await new Promise((r) => master!.once('exit', r));
    const t0 = performance.now();
    master = start();
    let out = '';
    master.stdout!.on('data', (d) => (out += d));
    await waitFor(async () => out.includes('listening'), 30);
    const ready = (performance.now() - t0) / 1000;
    // Fresh compiles: every request has facts the cache has not seen.
    const kFresh = await load(kc, (i) => ['/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test', { bench_run: i })], 4, 100000, 15);
    // Cached catalogs: 100 agents whose facts did not change.
    checkCatalog(await post(kc, '/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test')));
    // 100 agents connect (a TLS handshake each), then ask again and again on those connections.
    await load(kc, () => ['/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test')], 100, 100, 30);
    const kCached = await load(kc, () => ['/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test')], 100, 5000, 30);
    // The goal's own terms: 500 cached catalogs a second from 100 agents, and their p99.
    const kAt500 = await loadAtRate(kc, () => ['/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test')], 100, 500, 10);
    const kRss = peakRssMiB(master.pid!);

    let pFresh: { perSecond: number; p50: number; p99: number } | null = null;
    let pRss = NaN;
    let pReady = NaN;
    if (hasCommand('puppetserver') && process.getuid?.() === 0 && !process.env.KASPER_BENCH_NO_PEER) {
      const ssl = '/var/lib/puppet/ssl';
      if (!existsSync('/etc/puppet/puppetserver/ca/ca_crt.pem')) execFileSync('puppetserver', ['ca', 'setup'], { stdio: 'ignore' });
      if (!existsSync(join(ssl, 'certs', 'benchagent.test.pem'))) {
        execFileSync('puppetserver', ['ca', 'generate', '--certname', 'benchagent.test', '--ca-client', '--force'], { stdio: 'ignore' });
      }
      const penv = '/etc/puppet/code/environments/kasperbench';
      rmSync(penv, { recursive: true, force: true });
      // puppetserver runs as `puppet` and makes the production environment itself when missing.
      mkdirSync('/etc/puppet/code/environments/production', { recursive: true });
      cpSync(env, penv, { recursive: true });
      execFileSync('chown', ['-R', 'puppet:puppet', '/etc/puppet/code/environments']);
      const t1 = performance.now();
      ps = spawn('puppetserver', ['foreground'], { stdio: 'ignore', detached: true });
      const pc: Client = {
        agent: new Agent({ keepAlive: true, maxSockets: 100, key: readFileSync(join(ssl, 'private_keys', 'benchagent.test.pem')), cert: readFileSync(join(ssl, 'certs', 'benchagent.test.pem')), ca: readFileSync(join(ssl, 'certs', 'ca.pem')) }),
        host: '127.0.0.1', port: 8140, servername: execFileSync('puppet', ['config', 'print', 'certname'], { encoding: 'utf8' }).trim(),
      };
      let last = 0;
      await waitFor(async () => (last = (await post(pc, '/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test'))).status) === 200, 180)
        .catch((e: Error) => { throw new Error(`puppetserver: ${e.message} (last answer: HTTP ${last})`); });
      pReady = (performance.now() - t1) / 1000;
      // JRuby is slow for its first compiles: warm it before measuring, as a running server is.
      for (let i = 0; i < 4; i++) checkCatalog(await post(pc, '/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test', { bench_warm: i })));
      pFresh = await load(pc, (i) => ['/puppet/v3/catalog/benchagent.test?environment=kasperbench', factsFor('benchagent.test', { bench_run: i })], 2, 100000, 45);
      const java = execFileSync('pgrep', ['-f', 'puppet-server-release.jar|puppetserver'], { encoding: 'utf8' }).trim().split('\n').map(Number);
      pRss = Math.max(...java.map(peakRssMiB).filter((x) => !Number.isNaN(x)));
      process.kill(-ps.pid!, 'SIGTERM');
      rmSync(penv, { recursive: true, force: true });
    }
    const ratio = (a: number, b: number) => (Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(1)}×` : '—');
    lines.push(`| fresh compiles per second (${RESOURCES} resources, distinct facts) | ${kFresh.perSecond.toFixed(1)} /s (p50 ${kFresh.p50.toFixed(0)} ms) | ${pFresh ? `${pFresh.perSecond.toFixed(2)} /s (p50 ${pFresh.p50.toFixed(0)} ms)` : 'not installed'} | ${pFresh ? ratio(kFresh.perSecond, pFresh.perSecond) : '—'} |`);
    lines.push(`| cached catalogs per second, 100 concurrent agents on open connections, gzipped (as many as it serves) | ${kCached.perSecond.toFixed(0)} /s, p50 ${kCached.p50.toFixed(1)} ms, p99 ${kCached.p99.toFixed(1)} ms | (no catalog cache) | — |`);
    lines.push(`| cached catalogs at 500 a second from 100 agents | ${kAt500.perSecond.toFixed(0)} /s served${kAt500.failed ? `, ${kAt500.failed} failed` : ''}, p50 ${kAt500.p50.toFixed(1)} ms, p99 ${kAt500.p99.toFixed(1)} ms | (no catalog cache) | — |`);
    lines.push(`| peak memory | ${kRss.toFixed(0)} MiB | ${Number.isFinite(pRss) ? `${pRss.toFixed(0)} MiB` : '—'} | ${ratio(pRss, kRss)} less |`);
    lines.push(`| ready after start | ${ready.toFixed(2)} s | ${Number.isFinite(pReady) ? `${pReady.toFixed(1)} s` : '—'} | ${ratio(pReady, ready)} sooner |`);
    lines.push('');
    lines.push(`Fleet one master sustains at a 30-minute run interval: about ${Math.floor(kFresh.perSecond * 1800).toLocaleString('en-US')} agents when every run needs a fresh compile (facts change every run), ` +
      `about ${Math.floor(kCached.perSecond * 1800).toLocaleString('en-US')} when catalogs come from the cache${pFresh ? `; puppetserver: about ${Math.floor(pFresh.perSecond * 1800).toLocaleString('en-US')}` : ''}.`);
    return { name: 'master', lines };
  } finally {
    master?.kill('SIGTERM');
    if (ps?.pid) try { process.kill(-ps.pid, 'SIGKILL'); } catch { /* gone */ }
    rmSync(work, { recursive: true, force: true });
  }
}
