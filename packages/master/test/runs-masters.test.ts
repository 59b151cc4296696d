// Run requests across masters on one store (PostgreSQL): an agent's event stream is on master B,
// `kasper run` reaches master A (through a balancer it may reach either). A queues the run in the
// store, B takes it within a second and sends it down the stream; the run's report answers on
// either master; a node whose stream no master holds is refused as not connected.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMaster, type Master } from '../src/index.ts';
import { needs } from '../../../test/support/host.ts';
import { startPostgres, type PgServer } from '../../../test/support/postgres.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-runs-masters-'));
let pg: PgServer | undefined;
const masters: Master[] = [];
after(async () => {
  for (const m of masters) await m.close();
  pg?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A master on the shared store whose clients are named by a header (standing in for TLS certificates). */
async function master(name: string, url: string): Promise<Master> {
  mkdirSync(join(work, name, 'envs/production/manifests'), { recursive: true });
  const m: Master = await startMaster({
    confdir: join(work, name, 'conf'), vardir: join(work, name, 'var'), bind: '127.0.0.1', port: 0, certname: name,
    dnsAltNames: [], environmentpath: join(work, name, 'envs'), basemodulepath: [], compileWorkers: 1, storage: url, runHeartbeatSeconds: 1,
  }, {
    identify: (req) => {
      const who = req.headers['x-test-certname'];
      if (typeof who !== 'string') return { refused: 'no client certificate' };
      return { certname: who, fingerprint: who, der: new X509Certificate(m.ca!.certificatePem(name)!).raw };
    },
  });
  masters.push(m);
  return m;
}

function call(m: Master, as: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(m.url);
    const req = request({ host: u.hostname, port: u.port, method, path, rejectUnauthorized: false, headers: { 'x-test-certname': as, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) as Record<string, unknown> : {} }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** A node's event stream on a master: the run events it received so far. */
function stream(m: Master, node: string): Promise<{ runs: string[]; res: IncomingMessage; close: () => void }> {
  return new Promise((resolve, reject) => {
    const u = new URL(m.url);
    const runs: string[] = [];
    const req = request({ host: u.hostname, port: u.port, path: `/kasper/v1/events/${node}`, rejectUnauthorized: false, headers: { 'x-test-certname': node, accept: 'text/event-stream' } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        for (const m of d.matchAll(/^event: run\nid: ([0-9a-f-]+)$/gm)) runs.push(m[1]);
      });
      res.on('error', () => { /* closed */ });
      resolve({ runs, res, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, seconds = 15) => {
  for (let i = 0; i < seconds * 10; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

test('a run asked of one master reaches the node whose stream another master holds', async (t) => {
  const server = startPostgres();
  if (!needs(t, !('reason' in server), 'reason' in server ? server.reason : '')) return;
  pg = server as PgServer;
  const a = await master('a.master', pg.url);
  const b = await master('b.master', pg.url);

  // Nobody holds n1's stream: not connected, on either master.
  assert.equal((await call(a, 'a.master', 'POST', '/kasper/v1/runs', { node: 'n1.test' })).status, 409);

  const s = await stream(b, 'n1.test');
  // A learns from the store that B holds it (B records the stream as it opens).
  let asked: Record<string, unknown> = {};
  await until('A to accept the run', async () => {
    const r = await call(a, 'a.master', 'POST', '/kasper/v1/runs', { node: 'n1.test', job_id: 'job-x' });
    asked = r.json;
    return r.status === 202;
  });
  const uuid = String(asked.transaction_uuid);
  await until('B to deliver the run down the stream', () => s.runs.includes(uuid));
  assert.equal(s.runs.filter((r) => r === uuid).length, 1, 'delivered once');

  // The agent reports (through the balancer, to A here): the run is done, asked of either master.
  const report = {
    host: 'n1.test', time: new Date().toISOString(), configuration_version: 1, transaction_uuid: uuid, report_format: 12, status: 'unchanged',
    noop: false, noop_pending: false, environment: 'production', job_id: 'job-x', cached_catalog_status: 'not_used', resource_statuses: {}, logs: [],
    metrics: { resources: { name: 'resources', label: 'Resources', values: [['total', 'Total', 1]] } },
  };
  assert.equal((await call(a, 'n1.test', 'PUT', '/puppet/v3/report/n1.test', report)).status, 200);
  const onA = await call(a, 'a.master', 'GET', `/kasper/v1/runs/${uuid}?wait=5`);
  assert.equal(onA.json.state, 'done', JSON.stringify(onA.json));
  const onB = await call(b, 'b.master', 'GET', `/kasper/v1/runs/${uuid}?wait=5`);
  assert.equal(onB.json.state, 'done', JSON.stringify(onB.json));

  // The stream closes: no master holds it, and a run is refused again.
  s.close();
  await until('A to refuse the run', async () => (await call(a, 'a.master', 'POST', '/kasper/v1/runs', { node: 'n1.test' })).status === 409);
});
