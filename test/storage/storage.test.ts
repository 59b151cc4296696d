// One suite for every storage backend: embedded SQLite and a real PostgreSQL server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../packages/storage/src/index.ts';
import { needs } from '../support/host.ts';
import { startPostgres, type PgServer } from '../support/postgres.ts';

let pgServer: PgServer | { reason: string } | undefined;
before(() => {
  pgServer = startPostgres();
});
after(() => {
  if (pgServer && 'stop' in pgServer) pgServer.stop();
});

const backends: { name: string; open: () => Storage | { reason: string } }[] = [
  { name: 'sqlite', open: () => openStorage(join(mkdtempSync(join(tmpdir(), 'kasper-db-')), 'kasper.db')) },
  { name: 'postgresql', open: () => (pgServer && 'url' in pgServer ? openStorage(pgServer.url) : { reason: pgServer?.reason ?? 'no server' }) },
];

for (const b of backends) {
  describe(`storage: ${b.name}`, () => {
    test('facts, catalogs and reports per node', async (t) => {
      const s = b.open();
      if (!needs(t, !('reason' in s), 'reason' in s ? s.reason : '')) return;
      const db = s as Storage;
      await db.init();
      await db.init(); // idempotent
      const node = `web01-${b.name}-${Date.now()}.example.com`;
      await db.saveFacts(node, { os: { family: 'Debian' } }, 'production');
      assert.deepEqual(await db.getFacts(node), { os: { family: 'Debian' } });
      for (let i = 1; i <= 12; i++) await db.saveCatalog(node, `{"version":"v${i}"}`, `v${i}`);
      const last = await db.catalogs(node, 2);
      assert.deepEqual(last.map((c) => c.version), ['v12', 'v11']);
      assert.equal((await db.catalogs(node, 100)).length, 10);
      const id = await db.saveReport(node, { host: node, time: new Date().toISOString(), status: 'changed', noop: false, cached_catalog_status: 'not_used' });
      assert.equal((await db.getReport(id))!.status, 'changed');
      let summary = (await db.getNode(node))!;
      assert.equal(summary.reportStatus, 'changed');
      assert.equal(summary.failing, false);
      assert.equal(summary.catalogVersion, 'v12');
      // An agent that fell back to its cached catalog is failing, never unchanged.
      await db.saveReport(node, { host: node, time: new Date().toISOString(), status: 'unchanged', cached_catalog_status: 'on_failure' });
      summary = (await db.getNode(node))!;
      assert.equal(summary.failing, true);
      assert.ok((await db.listNodes()).some((n) => n.name === node && n.failing));
      const reports = await db.listReports(node);
      assert.deepEqual(reports.map((r) => r.status), ['unchanged', 'changed']);
      await assert.rejects(() => db.saveReport(node, { host: node } as never), /needs a status/);
      assert.equal((await db.listReports(node)).length, 2);
      await db.close();
    });

    test('concurrent writers do not lose or half-write anything', async (t) => {
      const s = b.open();
      if (!needs(t, !('reason' in s), 'reason' in s ? s.reason : '')) return;
      const db = s as Storage;
      await db.init();
      const node = `busy-${b.name}-${Date.now()}`;
      await Promise.all(Array.from({ length: 40 }, (_x, i) => db.saveReport(node, { host: node, time: new Date(Date.now() + i).toISOString(), status: i % 2 ? 'changed' : 'unchanged' })));
      assert.equal((await db.listReports(node, 100)).length, 40);
      await db.close();
    });
  });
}
