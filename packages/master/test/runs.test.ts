// Runs on request, on a real master over TLS with certificates from its own CA: an agent's
// event stream (its own name only), who may list agents and ask for runs (the master's
// certificate; 403 for a node's), the run event an agent receives, the wait for its report,
// a run known only from the store, bad requests, and a master that closes with streams open.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMaster, type Master } from '../src/index.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-runs-'));
let master: Master;
let port = 0;
const creds = new Map<string, { key: string; cert: string }>();

before(async () => {
  mkdirSync(join(work, 'envs/production/manifests'), { recursive: true });
  master = await startMaster({
    confdir: join(work, 'conf'), vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: 'master.test',
    dnsAltNames: ['localhost'], environmentpath: join(work, 'envs'), basemodulepath: [], compileWorkers: 1, runHeartbeatSeconds: 1,
  });
  port = Number(new URL(master.url).port);
  const ssl = join(work, 'conf/ssl');
  creds.set('master.test', { key: readFileSync(join(ssl, 'private_keys/master.test.pem'), 'utf8'), cert: readFileSync(join(ssl, 'certs/master.test.pem'), 'utf8') });
  for (const name of ['a1.test', 'a2.test', 'a3.test', 'a4.test']) {
    const { keyPem, certPem } = master.ca!.generate(name);
    creds.set(name, { key: keyPem, cert: certPem });
  }
});

after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

function options(as: string, method: string, path: string, headers: Record<string, string> = {}): RequestOptions {
  return { host: '127.0.0.1', port, method, path, headers, ca: master.ca!.caCertPem(), key: creds.get(as)!.key, cert: creds.get(as)!.cert, servername: 'localhost' };
}

function call(as: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(options(as, method, path, body === undefined ? {} : { 'content-type': 'application/json' }), (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) as Record<string, unknown> : {} }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** An agent's stream: its status and the events read so far. */
function stream(as: string, node = as): Promise<{ status: number; events: { event: string; data: string }[]; comments: () => number; res: IncomingMessage; close: () => void }> {
  return new Promise((resolve, reject) => {
    const events: { event: string; data: string }[] = [];
    let comments = 0;
    const req = request(options(as, 'GET', `/kasper/v1/events/${node}`, { accept: 'text/event-stream' }), (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        buffer += d;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) comments++;
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data });
        }
      });
      res.on('error', () => { /* closed under us */ });
      resolve({ status: res.statusCode ?? 0, events, comments: () => comments, res, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

const until = async (what: string, ok: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const report = (uuid: string, status = 'changed') => ({
  host: 'a1.test', time: new Date().toISOString(), configuration_version: 1, transaction_uuid: uuid, report_format: 12, status, noop: false,
  noop_pending: false, environment: 'production', job_id: 'job-1', cached_catalog_status: 'not_used', resource_statuses: {},
  logs: [{ level: 'err', source: 'File[/x]', message: 'boom', tags: [], time: new Date().toISOString(), file: null, line: null }],
  metrics: { resources: { name: 'resources', label: 'Resources', values: [['total', 'Total', 3], ['changed', 'Changed', 2], ['failed', 'Failed', 1], ['out_of_sync', 'Out of sync', 3]] } },
});

test('an agent listens, an operator asks for a run, the report answers it', async () => {
  // A node may listen only under its own name; no certificate, no stream.
  const other = await stream('a1.test', 'a2.test');
  assert.equal(other.status, 403);
  const a1 = await stream('a1.test');
  assert.equal(a1.status, 200);
  assert.equal(a1.res.headers['content-type'], 'text/event-stream');
  await until('hello', () => a1.events.length === 1);
  assert.deepEqual(JSON.parse(a1.events[0].data), { certname: 'a1.test', heartbeat: 1 });
  await until('a heartbeat', () => a1.comments() >= 1);

  // Who is connected: the master's own certificate may ask, a node may not.
  const agents = await call('master.test', 'GET', '/kasper/v1/agents');
  assert.equal(agents.status, 200);
  assert.deepEqual((agents.json.agents as { certname: string }[]).map((a) => a.certname), ['a1.test']);
  const refused = await call('a1.test', 'GET', '/kasper/v1/agents');
  assert.equal(refused.status, 403);
  assert.equal(refused.json.code, 'KSP-MASTER-023');
  assert.equal((await call('a2.test', 'POST', '/kasper/v1/runs', { node: 'a1.test' })).status, 403);

  // A node that is not connected cannot be asked; names and environments keep their grammar.
  const absent = await call('master.test', 'POST', '/kasper/v1/runs', { node: 'a2.test' });
  assert.equal(absent.status, 409);
  assert.equal(absent.json.code, 'KSP-MASTER-024');
  for (const bad of [{ node: 'A B' }, { node: 'a1.test', environment: '../x' }, { node: 'a1.test', job_id: 'x y' }]) {
    assert.equal((await call('master.test', 'POST', '/kasper/v1/runs', bad)).status, 400, JSON.stringify(bad));
  }
  assert.equal(a1.events.length, 1, 'no run event for refused requests');

  // Asked: the agent gets the run's id, job, noop and environment.
  const asked = await call('master.test', 'POST', '/kasper/v1/runs', { node: 'a1.test', noop: true, environment: 'production', job_id: 'job-1' });
  assert.equal(asked.status, 202);
  const uuid = asked.json.transaction_uuid as string;
  assert.match(uuid, /^[0-9a-f-]{36}$/);
  await until('the run event', () => a1.events.length === 2);
  assert.deepEqual(a1.events[1], { event: 'run', data: JSON.stringify({ transaction_uuid: uuid, job_id: 'job-1', noop: true, environment: 'production' }) });
  assert.equal((await call('master.test', 'GET', `/kasper/v1/runs/${uuid}?wait=0`)).json.state, 'requested');

  // The operator waits; the agent's report (with that transaction_uuid) ends the wait.
  const started = Date.now();
  const waiting = call('master.test', 'GET', `/kasper/v1/runs/${uuid}?wait=30`);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal((await call('a1.test', 'PUT', '/puppet/v3/report/a1.test', report(uuid))).status, 200);
  const done = await waiting;
  assert.ok(Date.now() - started < 10_000);
  assert.equal(done.json.state, 'done');
  assert.deepEqual(done.json.result, {
    status: 'changed', noop: false, noop_pending: false, cached_catalog_status: 'not_used', environment: 'production', code_id: null, job_id: 'job-1',
    resources: { total: 3, changed: 2, failed: 1, out_of_sync: 3, skipped: 0 }, errors: ['File[/x]: boom'],
  });

  // A run this master did not ask for (another master, or before a restart) is read from the store.
  const elsewhere = '0b7e4f7e-6d0a-4f43-9a57-6a54d8a2b0c1';
  assert.equal((await call('master.test', 'GET', `/kasper/v1/runs/${elsewhere}`)).json.code, 'KSP-MASTER-025');
  assert.equal((await call('a1.test', 'PUT', '/puppet/v3/report/a1.test', report(elsewhere, 'failed'))).status, 200);
  const stored = await call('master.test', 'GET', `/kasper/v1/runs/${elsewhere}`);
  assert.equal(stored.json.state, 'done');
  assert.equal((stored.json.result as { status: string }).status, 'failed');
  assert.deepEqual((stored.json.result as { resources: unknown }).resources, { total: 3, changed: 2, failed: 1, out_of_sync: 3, skipped: 0 });
  assert.equal((await call('master.test', 'GET', '/kasper/v1/runs/not-a-uuid')).status, 400);

  // The agent hangs up: the master forgets it.
  a1.close();
  await until('a1 gone', async () => ((await call('master.test', 'GET', '/kasper/v1/agents')).json.agents as unknown[]).length === 0);
  // A stream left open does not keep the master from closing (after() closes it).
  const lingering = await stream('a2.test');
  assert.equal(lingering.status, 200);
});

test('a node whose stream just closed is waited for: asked within the grace, the run reaches its next stream; gone, 409 after it', async () => {
  const first = await stream('a4.test');
  await until('hello', () => first.events.length === 1);
  first.close();
  await until('a4 gone', async () => !((await call('master.test', 'GET', '/kasper/v1/agents')).json.agents as { certname: string }[]).some((a) => a.certname === 'a4.test'));
  // (The agent daemon changes its process image around each run: its stream drops and comes back.)
  const asking = call('master.test', 'POST', '/kasper/v1/runs', { node: 'a4.test' });
  await new Promise((r) => setTimeout(r, 300));
  const second = await stream('a4.test');
  const asked = await asking;
  assert.equal(asked.status, 202, JSON.stringify(asked.json));
  await until('the run on the new stream', () => second.events.some((e) => e.event === 'run'));
  assert.equal(JSON.parse(second.events.find((e) => e.event === 'run')!.data).transaction_uuid, asked.json.transaction_uuid);
  // That stream closes before the run's report came (the agent may not have read the event):
  // the run is sent again down the node's next stream, and only until its report is stored.
  second.close();
  await until('a4 gone', async () => !((await call('master.test', 'GET', '/kasper/v1/agents')).json.agents as { certname: string }[]).some((a) => a.certname === 'a4.test'));
  const third = await stream('a4.test');
  await until('the run sent again', () => third.events.some((e) => e.event === 'run'));
  assert.equal(JSON.parse(third.events.find((e) => e.event === 'run')!.data).transaction_uuid, asked.json.transaction_uuid);
  assert.equal((await call('a4.test', 'PUT', '/puppet/v3/report/a4.test', { ...report(asked.json.transaction_uuid as string), host: 'a4.test' })).status, 200);
  third.close();
  await until('a4 gone again', async () => !((await call('master.test', 'GET', '/kasper/v1/agents')).json.agents as { certname: string }[]).some((a) => a.certname === 'a4.test'));
  const fourth = await stream('a4.test');
  await until('hello on the fourth', () => fourth.events.length >= 1);
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(fourth.events.map((e) => e.event), ['hello'], 'a run whose report came is not sent again');
  fourth.close();
  await until('a4 gone once more', async () => !((await call('master.test', 'GET', '/kasper/v1/agents')).json.agents as { certname: string }[]).some((a) => a.certname === 'a4.test'));
  const started = Date.now();
  const absent = await call('master.test', 'POST', '/kasper/v1/runs', { node: 'a4.test' });
  assert.equal(absent.status, 409);
  assert.equal(absent.json.code, 'KSP-MASTER-024');
  assert.ok(Date.now() - started >= 1000, 'answered only once the grace was over');
});

test("a revoked node's open stream is ended when the CRL changes, and it cannot open another", async () => {
  const s = await stream('a3.test');
  assert.equal(s.status, 200);
  await until('a3 listed', async () => ((await call('master.test', 'GET', '/kasper/v1/agents')).json.agents as { certname: string }[] ?? []).some((a) => a.certname === 'a3.test'));
  let ended = false;
  s.res.on('close', () => (ended = true));
  master.ca!.revoke('a3.test');
  // The next request (anyone's) makes the master read the new CRL.
  await call('master.test', 'GET', '/kasper/v1/agents');
  await until('the stream ended', () => ended);
  assert.ok(!((await call('master.test', 'GET', '/kasper/v1/agents')).json.agents as { certname: string }[]).some((a) => a.certname === 'a3.test'));
  // A new stream with the revoked certificate is refused (by TLS, or by the request check).
  const again = await stream('a3.test').then((r) => r.status, () => 0);
  assert.notEqual(again, 200);
});
