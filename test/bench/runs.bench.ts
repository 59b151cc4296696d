// Runs on request (kasper run): what agents' open connections cost the master, and how long a
// run asked through the master takes from the request to its stored report. A `kasper master`
// on loopback; 500 event streams opened from this process (ten certificates, as agents would
// hold one each); then real `kasper agent` daemons (becoming each run, and with
// run_process = false running it in the daemon's process), each asked for ten runs one after another
// through `/kasper/v1/runs` with the master's certificate (a one-file catalog: what is measured
// is the round trip and the agent's run, facts included).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority } from '@kasper/ca';
import type { BenchReport } from './parser.bench.ts';

const root = join(import.meta.dirname, '../..');
const kasper = join(root, 'packages/cli/bin/kasper.js');
const STREAMS = 500;
const RUNS = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export async function runRunsBench(): Promise<BenchReport> {
  const work = mkdtempSync(join(tmpdir(), 'kasper-bench-runs-'));
  const conf = join(work, 'conf');
  mkdirSync(join(conf, 'environments/production/manifests'), { recursive: true });
  writeFileSync(join(conf, 'environments/production/manifests/site.pp'), `node default { file { '${work}/out': content => "x\\n" } }\n`);
  const port = 19300 + (process.pid % 500);
  const procs = [];
  try {
    let log = '';
    const master = spawn(process.execPath, [kasper, 'master', '--confdir', conf, '--vardir', join(work, 'var'), '--bind', '127.0.0.1', '--port', String(port),
      '--certname', 'localhost', '--autosign', '*.test'], { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(master);
    master.stdout!.on('data', (d) => (log += d));
    for (let i = 0; i < 600 && !log.includes('listening'); i++) await sleep(100);
    const ca = new CertificateAuthority(conf);
    const creds = Array.from({ length: 10 }, (_, i) => ({ name: `s${i}.test`, ...ca.generate(`s${i}.test`) }));
    await sleep(2000);
    const before = rssMiB(master.pid!);
    const streams: ReturnType<typeof request>[] = [];
    let open = 0;
    const t0 = performance.now();
    for (let i = 0; i < STREAMS; i++) {
      const c = creds[i % creds.length];
      const req = request({ host: '127.0.0.1', port, path: `/kasper/v1/events/${c.name}`, ca: ca.caCertPem(), key: c.keyPem, cert: c.certPem, servername: 'localhost', agent: false },
        (res) => res.once('data', () => open++));
      req.on('error', () => {});
      req.end();
      streams.push(req);
    }
    while (open < STREAMS) await sleep(50);
    const openSeconds = (performance.now() - t0) / 1000;
    await sleep(3000);
    const after = rssMiB(master.pid!);
    for (const s of streams) s.destroy();

    // Agent daemons, asked for runs through the master: the daemon becoming each run (the
    // default), and with run_process = false, in the daemon's process.
    const ssl = join(conf, 'ssl');
    const call = (method: string, path: string, body?: unknown) => new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port, method, path, ca: ca.caCertPem(), servername: 'localhost',
        key: readFileSync(join(ssl, 'private_keys/localhost.pem')), cert: readFileSync(join(ssl, 'certs/localhost.pem')),
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
      }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    const daemonRuns = async (certname: string, runProcess: boolean): Promise<number[]> => {
      let agentLog = '';
      const agentConf = join(work, certname, 'conf');
      mkdirSync(agentConf, { recursive: true });
      writeFileSync(join(agentConf, 'kasper.conf'), `[agent]\nrun_process = ${runProcess}\n`);
      const agent = spawn(process.execPath, [kasper, 'agent', '--server', 'localhost', '--port', String(port), '--certname', certname,
        '--confdir', agentConf, '--vardir', join(work, certname, 'var'), '--runinterval', '3600', '--waitforcert', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
      procs.push(agent);
      agent.stdout!.on('data', (d) => (agentLog += d));
      agent.stderr!.on('data', (d) => (agentLog += d));
      for (let i = 0; i < 600; i++) {
        const agents = (await call('GET', '/kasper/v1/agents')).agents as { certname: string }[];
        if (agents.some((a) => a.certname === certname) && /Applied catalog/.test(agentLog)) break;
        await sleep(100);
      }
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        const run = await call('POST', '/kasper/v1/runs', { node: certname });
        let state = run;
        while (state.state !== 'done') state = await call('GET', `/kasper/v1/runs/${run.transaction_uuid as string}?wait=60`);
        times.push(performance.now() - started);
      }
      agent.kill('SIGTERM');
      return times.sort((x, y) => x - y);
    };
    const row = (what: string, times: number[]) =>
      `| ${what} | median ${times[Math.floor(RUNS / 2)].toFixed(0)} ms, fastest ${times[0].toFixed(0)} ms, slowest ${times[RUNS - 1].toFixed(0)} ms over ${RUNS} runs |`;
    const inProcesses = await daemonRuns('a.test', true);
    const inDaemon = await daemonRuns('b.test', false);
    return {
      name: 'runs',
      lines: [
        `| what | measured |`,
        `|---|---|`,
        `| ${STREAMS} agents' event streams open on the master | ${(after - before).toFixed(0)} MiB more resident memory (${(((after - before) * 1024) / STREAMS).toFixed(0)} KiB a stream; ${before.toFixed(0)} → ${after.toFixed(0)} MiB), opened in ${openSeconds.toFixed(1)} s (TLS handshakes) |`,
        row('a run asked through the master: from `POST /kasper/v1/runs` to its report stored (one-file catalog, the agent\'s facts collected), the daemon becoming each run (`run_process = true`, the default)', inProcesses),
        row('the same with `run_process = false` (runs in the daemon\'s process)', inDaemon),
      ],
    };
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) console.log((await runRunsBench()).lines.join('\n'));
