// The agent's side of runs on request: server-sent events as the master writes them, cut
// anywhere by the network; and the listener against an HTTPS server of this test's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority } from '@kasper/ca';
import { EventStreamParser, RunListener, type RunRequestEvent } from '../src/listen.ts';

test('events are read whole however the stream is cut; comments and unknown fields are skipped', () => {
  const stream = 'retry: 5000\nevent: hello\ndata: {"heartbeat": 15}\n\n: ping\n\nevent: run\nid: 1\ndata: {"transaction_uuid":"u1",\ndata: "noop":true}\n\r\nevent: run\r\ndata: {"transaction_uuid":"u2"}\r\n\r\n';
  for (const size of [1, 2, 3, 7, stream.length]) {
    const got: [string, string][] = [];
    const p = new EventStreamParser((event, data) => got.push([event, data]));
    for (let i = 0; i < stream.length; i += size) p.push(stream.slice(i, i + size));
    assert.deepEqual(got, [
      ['hello', '{"heartbeat": 15}'],
      ['run', '{"transaction_uuid":"u1",\n"noop":true}'],
      ['run', '{"transaction_uuid":"u2"}'],
    ], `cut every ${size}`);
  }
});

// The listener against an HTTPS server of this test's own (certificates from a real CA): what it
// does on a master without the route, and how it comes back after the stream ends.

const dir = mkdtempSync(join(tmpdir(), 'kasper-listen-'));
const ca = new CertificateAuthority(join(dir, 'conf'));
ca.setup();
const server = ca.generate('localhost', ['localhost']);
const client = ca.generate('a1.test');
for (const [name, text] of [['key.pem', client.keyPem], ['cert.pem', client.certPem], ['ca.pem', ca.caCertPem()]]) writeFileSync(join(dir, name), text);

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ srv: Server; port: number }> {
  const srv = createServer({ key: server.keyPem, cert: server.certPem, ca: ca.caCertPem(), requestCert: true, rejectUnauthorized: true }, handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { srv, port: (srv.address() as { port: number }).port };
}

const listener = (port: number, onRun: (r: RunRequestEvent) => void, logs: string[]) => new RunListener({
  server: 'localhost', port, certname: 'a1.test', keyPath: join(dir, 'key.pem'), certPath: join(dir, 'cert.pem'), caPath: join(dir, 'ca.pem'),
  onRun, log: (level, message) => logs.push(`${level}: ${message}`), minDelayMs: 50, maxDelayMs: 200,
});

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(ok());
};

test('a master without the route (puppetserver answers 404) is asked once, and the agent says so', async () => {
  let requests = 0;
  const { srv, port } = await serve((_req, res) => {
    requests++;
    res.writeHead(404).end('{"message":"not found"}');
  });
  const logs: string[] = [];
  const l = listener(port, () => {}, logs);
  l.start();
  await until(() => logs.some((x) => x.includes('does not take run requests')));
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(requests, 1);
  l.stop();
  srv.close();
});

test('runs are passed on with their fields; a stream that ends is opened again, with our certificate', async () => {
  let connections = 0;
  const names: string[] = [];
  const { srv, port } = await serve((req, res) => {
    connections++;
    names.push((req.socket as TLSSocket).getPeerCertificate().subject.CN as string);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: hello\ndata: {"certname":"a1.test","heartbeat":15}\n\n');
    res.write(`event: run\ndata: {"transaction_uuid":"u${connections}","job_id":"j","noop":true,"environment":null}\n\n`);
    // The first stream ends at once (a master restarting); the second stays.
    if (connections === 1) res.end();
  });
  const runs: RunRequestEvent[] = [];
  const logs: string[] = [];
  const l = listener(port, (r) => runs.push(r), logs);
  l.start();
  await until(() => runs.length === 2 && l.isConnected);
  assert.deepEqual(runs, [
    { transaction_uuid: 'u1', job_id: 'j', noop: true, environment: null },
    { transaction_uuid: 'u2', job_id: 'j', noop: true, environment: null },
  ]);
  assert.deepEqual(names, ['a1.test', 'a1.test']);
  assert.ok(logs.some((x) => /^warning: Lost the connection to localhost for run requests/.test(x)), logs.join('\n'));
  assert.equal(logs.filter((x) => x.startsWith('info: Connected')).length, 2);
  l.stop();
  srv.closeAllConnections();
  srv.close();
});

test('a stream that goes silent for three heartbeats is taken for dead and opened again', async () => {
  let connections = 0;
  const { srv, port } = await serve((_req, res) => {
    connections++;
    // Heartbeats every 0.1 s promised, none sent: the agent gives up after 3 × 0.1 s + 5 s.
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: hello\ndata: {"certname":"a1.test","heartbeat":0.1}\n\n');
  });
  const logs: string[] = [];
  const l = listener(port, () => {}, logs);
  const started = Date.now();
  l.start();
  for (let i = 0; i < 400 && connections < 2; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(connections, 2);
  assert.ok(Date.now() - started >= 5000);
  assert.ok(logs.some((x) => /Lost the connection to localhost for run requests \(nothing heard for 5 s\)/.test(x)), logs.join('\n'));
  l.stop();
  srv.closeAllConnections();
  srv.close();
});
