// Retention in a running master: reports older than report_ttl are deleted by the master's own
// garbage collection, in batches, while it goes on answering; the newer reports stay, and a
// store that keeps receiving old reports stays the same size.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMaster, type BuiltMaster } from '@kasper/master';

const work = mkdtempSync(join(tmpdir(), 'kasper-retention-'));
let master: BuiltMaster;
const DAY = 86_400_000;

before(async () => {
  mkdirSync(join(work, 'envs/production/manifests'), { recursive: true });
  master = await buildMaster({
    confdir: join(work, 'conf'), vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: 'master.test', dnsAltNames: [],
    environmentpath: join(work, 'envs'), basemodulepath: [], compileWorkers: 1, reportTtl: '14d', gcInterval: '1s',
  }, {
    identify: () => ({ certname: 'master.test', fingerprint: 'm', der: new X509Certificate(master.ca!.certificatePem('master.test')!).raw }),
  });
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

const statuses = (n: number) => Object.fromEntries(Array.from({ length: n }, (_x, i) => [`File[/f${i}]`, {
  title: `/f${i}`, resource_type: 'File', containment_path: ['Stage[main]', 'Main', `File[/f${i}]`], time: new Date().toISOString(), skipped: false,
  events: [{ property: 'content', previous_value: 'a', desired_value: 'b', status: 'success', time: new Date().toISOString(), message: 'changed', name: 'content_changed' }],
}]));

async function storeOld(count: number): Promise<void> {
  const old = Date.now() - 20 * DAY;
  for (let i = 0; i < count; i++) {
    const node = `node${i % 50}.test`;
    const time = new Date(old + i).toISOString();
    await master.storage.saveReport(node, { host: node, time, status: 'changed', resource_statuses: statuses(20) }, { producerTimestamp: time });
  }
}

const count = async () => Number((await master.storage.select('SELECT count(*) AS n FROM reports'))[0].n);

/** Waits for the master's garbage collection to bring the reports down to `n`, asking it questions meanwhile. */
async function collectWhileServing(n: number): Promise<number> {
  let slowest = 0;
  const deadline = Date.now() + 60_000;
  while ((await count()) > n) {
    if (Date.now() > deadline) throw new Error(`garbage collection left ${await count()} reports`);
    const t = performance.now();
    const res = await master.app.inject({ method: 'GET', url: '/pdb/query/v4/nodes' });
    slowest = Math.max(slowest, performance.now() - t);
    assert.equal(res.statusCode, 200);
    // Requests arrive from the network between the event loop's turns (inject alone would
    // never let a timer run).
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return slowest;
}

test('the master deletes reports older than report_ttl and keeps the rest, answering all the while', async () => {
  await storeOld(1500);
  const fresh = await master.storage.saveReport('node1.test', { host: 'node1.test', time: new Date().toISOString(), status: 'unchanged' });
  const slowest = await collectWhileServing(1);
  assert.ok(slowest < 1000, `a query waited ${slowest.toFixed(0)} ms for garbage collection`);
  assert.deepEqual((await master.storage.listReports()).map((r) => r.id), [fresh]);
  assert.equal(Number((await master.storage.select('SELECT count(*) AS n FROM resource_events e WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = e.report_id)'))[0].n), 0);
});

test('a store that keeps receiving reports stays bounded', async () => {
  const db = join(work, 'var', 'kasper.db');
  await storeOld(1500);
  await collectWhileServing(1);
  const size = statSync(db).size + statSync(`${db}-wal`, { throwIfNoEntry: false })?.size!;
  for (let round = 0; round < 2; round++) {
    await storeOld(1500);
    await collectWhileServing(1);
  }
  const later = statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  assert.ok(later < size * 1.5, `the store grew from ${size} to ${later} bytes`);
});
