// One suite for every storage backend: embedded SQLite and a real PostgreSQL server.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, type Storage } from '../../packages/storage/src/index.ts';
import { MIGRATIONS } from '../../packages/storage/src/schema.ts';
import { postgresDb } from '../../packages/storage/src/backend.ts';
import { needs } from '../support/host.ts';
import type { PgServer } from '../support/postgres.ts';
import { storageBackends } from './backends.ts';
import type { Fleet } from '../puppetdb/fleet.ts';

const { backends, postgres } = storageBackends();

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

    test('selectEach hands over each row as an array, in order, and passes failures on', async (t) => {
      const s = b.open();
      if (!needs(t, !('reason' in s), 'reason' in s ? s.reason : '')) return;
      const db = s as Storage;
      await db.init();
      const node = `each-${b.name}-${Date.now()}`;
      for (let i = 0; i < 3; i++) await db.saveReport(node, { host: node, time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), status: i ? 'changed' : 'failed', noop: i === 2 });
      const sql = 'SELECT status, noop, end_time, NULL AS absent FROM reports WHERE node = ? ORDER BY end_time';
      const rows: unknown[][] = [];
      await db.selectEach(sql, [node], (row) => rows.push(row));
      // The same values, in the statement's column order, as select() gives them in objects.
      const objects = await db.select(sql, [node]);
      assert.deepEqual(rows, objects.map((o) => [o.status, o.noop, o.end_time, o.absent]));
      assert.deepEqual(rows.map((r) => r[0]), ['failed', 'changed', 'changed']);
      // A database error rejects; so does a throw from onRow, after which the connection still serves.
      await assert.rejects(() => db.selectEach('SELECT no_such_column FROM reports', [], () => {}), /no_such_column|no such column/);
      let seen = 0;
      await assert.rejects(() => db.selectEach(sql, [node], () => {
        seen++;
        throw new Error('writer failed');
      }), /writer failed/);
      assert.equal(seen, 1, 'no row after the one that failed');
      for (let k = 0; k < 12; k++) await db.selectEach(sql, [node], () => {}); // more than the pool's connections: each was given back
      assert.equal((await db.select(sql, [node])).length, 3, 'objects again from the same cached statement');
      await db.close();
    });
  });
}

// What the query API reads, derived when documents are stored; retention; migration of a
// database made before these rows existed.
const fleet = JSON.parse(readFileSync(join(import.meta.dirname, '../puppetdb/fixtures/fleet.json'), 'utf8')) as Fleet;
const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../puppetdb/golden/answers.json'), 'utf8')) as Record<string, unknown>;

for (const b of backends) {
  describe(`storage for queries: ${b.name}`, () => {
    const open = async (t: TestContext): Promise<Storage | undefined> => {
      const s = b.open();
      if (!needs(t, !('reason' in s), 'reason' in s ? s.reason : '')) return undefined;
      await (s as Storage).init();
      return s as Storage;
    };
    const prefix = `q${Date.now().toString(36)}${b.name[0]}`;

    test('a new catalog changes only the resource rows that changed; the same one again none; marks name the latest', async (t) => {
      const db = await open(t);
      if (!db) return;
      const node = `${prefix}-rows.example.com`;
      const host = (i: number, ip: string) => ({ type: 'Host', title: `h${i}`, tags: ['host', i % 2 ? 'odd' : 'even'], exported: i === 0, parameters: { ip } });
      const catalog = (hosts: object[]) => JSON.stringify({ name: node, resources: hosts });
      const rows = async () => (await db.select('SELECT type, title, parameters, exported, tags FROM catalog_resources WHERE node = ? ORDER BY title', [node]))
        .map((r) => `${r.title} ${typeof r.parameters === 'string' ? r.parameters : JSON.stringify(r.parameters)} ${Number(r.exported)} ${typeof r.tags === 'string' ? r.tags : JSON.stringify(r.tags)}`);
      const first = Array.from({ length: 10 }, (_x, i) => host(i, `10.0.0.${i}`));
      const id1 = await db.saveCatalog(node, catalog(first), 'v1');
      assert.equal((await rows()).length, 10);
      assert.equal((await db.marks(node)).catalogId, id1);
      // Two changed, one gone, one new: the rows are exactly the new catalog's.
      const second = [...first.slice(0, 8), host(9, '10.0.9.9'), host(10, '10.0.0.10')];
      second[3] = host(3, '10.0.3.3');
      second[0] = { ...host(0, '10.0.0.0'), exported: false };
      const id2 = await db.saveCatalog(node, catalog(second), 'v2');
      const expected = [...second].sort((a, b) => (a.title < b.title ? -1 : 1))
        .map((r) => `${r.title} {"ip":"${r.parameters.ip}"} ${r.exported ? 1 : 0} ${JSON.stringify(r.tags)}`);
      assert.deepEqual(await rows(), expected);
      // Mostly different: replaced whole.
      const third = Array.from({ length: 10 }, (_x, i) => host(i, `10.1.0.${i}`));
      await db.saveCatalog(node, catalog(third), 'v3');
      assert.deepEqual(await rows(), [...third].sort((a, b) => (a.title < b.title ? -1 : 1)).map((r) => `${r.title} {"ip":"${r.parameters.ip}"} ${r.exported ? 1 : 0} ${JSON.stringify(r.tags)}`));
      // The same again: a new catalog row, the resource rows untouched, and it is the latest.
      const id4 = await db.saveCatalog(node, catalog(third), 'v4');
      assert.ok(id4 > id2);
      assert.equal((await db.marks(node)).catalogId, id4);
      assert.equal((await db.catalogs(node, 1))[0].version, 'v4');
      const factsAt = await db.saveFacts(node, { a: 1 });
      assert.equal((await db.marks(node)).factsAt, factsAt);
      assert.deepEqual(await db.marks(`${prefix}-nobody.example.com`), { factsAt: null, catalogId: null });
    });

    test('a report sent twice (the same node, transaction and time) is stored once', async (t) => {
      const db = await open(t);
      if (!db) return;
      const node = `${prefix}-twice.example.com`;
      const report = { host: node, time: '2026-11-30T10:00:00.000Z', status: 'changed', transaction_uuid: '11111111-2222-4333-8444-555555555555' };
      const id = await db.saveReport(node, report);
      assert.equal(await db.saveReport(node, { ...report }), id);
      assert.equal((await db.listReports(node)).length, 1);
      // Another run (another transaction) is another report.
      await db.saveReport(node, { ...report, transaction_uuid: '11111111-2222-4333-8444-666666666666' });
      assert.equal((await db.listReports(node)).length, 2);
    });

    test('reports get PuppetDB\'s hash, run times and events', async (t) => {
      const db = await open(t);
      if (!db) return;
      const hashes = new Set((golden.reports_extract as { hash: string }[]).map((r) => r.hash));
      for (const n of fleet.nodes) {
        for (const r of n.reports) await db.saveReport(n.certname, r.report as never, { producerTimestamp: r.producer_timestamp, producer: fleet.master });
      }
      const rows = await db.select('SELECT node, hash, start_time, end_time, producer_timestamp, status FROM reports WHERE node IN (?, ?, ?, ?, ?) ORDER BY id', fleet.nodes.map((n) => n.certname));
      for (const r of rows.filter((x) => x.node !== 'old01.example.com')) assert.ok(hashes.has(String(r.hash)), `${r.node}: ${r.hash} is the hash PuppetDB gave`);
      const web02 = rows.find((r) => r.node === 'web02.example.com')!;
      assert.equal(web02.start_time, '2025-03-10T10:05:02.000Z');
      assert.equal(web02.end_time, '2025-03-10T10:05:05.250Z');
      const events = await db.select(`SELECT e.status, e.resource_title, e.old_value, e.new_value, e.containing_class FROM resource_events e JOIN reports r ON r.id = e.report_id
        WHERE r.hash = ? ORDER BY e.id`, [web02.hash]);
      assert.deepEqual(events.map((e) => [e.status, e.resource_title, e.old_value, e.new_value, e.containing_class]), [
        ['failure', 'nginx', '"stopped"', '"running"', 'Nginx'],
        ['skipped', '/etc/motd', null, null, 'Base'],
        ['success', 'deploy', '"www-data"', '"[\\"www-data\\", \\"adm\\"]"', 'Base'],
      ]);
      const node = await db.select('SELECT n.latest_report_id, r.status FROM nodes n JOIN reports r ON r.id = n.latest_report_id WHERE n.name = ?', ['web01.example.com']);
      assert.equal(node[0].status, 'unchanged', 'the latest report is the one produced last');
      // What the nodes query shows of it is kept on the node's row: the latest report's fields.
      for (const name of new Set(rows.map((r) => String(r.node)))) {
        const copy: Record<string, unknown>[] = await db.select(`SELECT r.end_time, r.environment, r.status, r.noop, r.noop_pending, r.hash, r.job_id, r.cached_catalog_status,
            n.latest_report_end_time, n.latest_report_environment, n.latest_report_status, n.latest_report_noop, n.latest_report_noop_pending,
            n.latest_report_hash, n.latest_report_job_id, n.latest_report_cached_catalog_status
          FROM nodes n LEFT JOIN reports r ON r.id = n.latest_report_id WHERE n.name = ?`, [name]);
        const row: Record<string, unknown> = copy[0];
        for (const c of ['end_time', 'environment', 'status', 'noop', 'noop_pending', 'hash', 'job_id', 'cached_catalog_status']) {
          assert.equal(row[`latest_report_${c}`], row[c], `${name}: latest_report_${c}`);
        }
      }
      await db.close();
    });

    test('facts become rows, with the trusted data as the `trusted` fact', async (t) => {
      const db = await open(t);
      if (!db) return;
      const node = `${prefix}-facts.example.com`;
      await db.saveFacts(node, { os: { family: 'Debian' }, uptime: 5 }, 'production', { trusted: { certname: node, extensions: { pp_role: 'web' } } });
      const rows = await db.select(`SELECT name, ${db.dialect === 'postgres' ? 'value::text' : 'value'} AS value FROM fact_values WHERE node = ? ORDER BY name`, [node]);
      assert.deepEqual(rows.map((r) => [r.name, JSON.parse(String(r.value))]), [['os', { family: 'Debian' }], ['trusted', { certname: node, extensions: { pp_role: 'web' } }], ['uptime', 5]]);
      // New facts replace the old rows; the trusted data stays when none comes with them.
      await db.saveFacts(node, { uptime: 6 });
      const again = await db.select('SELECT name FROM fact_values WHERE node = ? ORDER BY name', [node]);
      assert.deepEqual(again.map((r) => r.name), ['trusted', 'uptime']);
      assert.deepEqual(await db.getFacts(node), { uptime: 6 });
      assert.deepEqual((await db.select('SELECT name FROM environments WHERE name = ?', ['production'])).length, 1);
      await db.close();
    });

    test('the latest catalog\'s resources and edges, relationships included', async (t) => {
      const db = await open(t);
      if (!db) return;
      const web01 = fleet.nodes.find((n) => n.certname === 'web01.example.com')!;
      const node = `${prefix}-cat.example.com`;
      await db.saveCatalog(node, JSON.stringify(web01.catalog!.catalog), '1', { transactionUuid: web01.catalog!.transaction_uuid, producer: fleet.master });
      const resources = await db.select('SELECT type, title, exported FROM catalog_resources WHERE node = ? ORDER BY type, title', [node]);
      assert.equal(resources.length, 12);
      assert.ok(resources.some((r) => r.type === 'Host' && Number(r.exported) === 1));
      const edges = JSON.parse(String((await db.select('SELECT edges FROM catalogs WHERE node = ?', [node]))[0].edges)) as { relationship: string; source_title: string; target_title: string }[];
      const fromGolden = (golden.catalog_web01 as { edges: { relationship: string; source: string; target: string }[] }).edges;
      assert.deepEqual(edges.map((e) => e.relationship).sort(), fromGolden.map((e) => e.relationship).sort());
      // A new catalog replaces the resource rows.
      await db.saveCatalog(node, JSON.stringify({ resources: [{ type: 'Notify', title: 'x', tags: [], exported: false }], edges: [] }), '2');
      assert.equal((await db.select('SELECT type FROM catalog_resources WHERE node = ?', [node])).length, 1);
      await db.close();
    });

    test('deactivation, expiry, purge and report retention', async (t) => {
      const db = await open(t);
      if (!db) return;
      const gone = `${prefix}-gone.example.com`;
      const idle = `${prefix}-idle.example.com`;
      await db.saveFacts(gone, { a: 1 });
      await db.saveFacts(idle, { a: 1 });
      const old = new Date(Date.now() - 20 * 86_400_000).toISOString();
      for (let i = 0; i < 7; i++) await db.saveReport(idle, { host: idle, time: old, status: 'changed' }, { producerTimestamp: new Date(Date.parse(old) + i).toISOString() });
      // A node whose latest report is deleted shows none (nor its copied fields) afterwards.
      const stale = `${prefix}-stale.example.com`;
      await db.saveReport(stale, { host: stale, time: old, status: 'failed' }, { producerTimestamp: old });
      await db.saveReport(idle, { host: idle, time: new Date().toISOString(), status: 'unchanged' });
      assert.equal(await db.deactivateNode(gone, new Date(Date.now() - 15 * 86_400_000).toISOString()), true);
      assert.equal(await db.deactivateNode(`${prefix}-nosuch`), false);
      const day = 86_400_000;
      const result = await db.gc({ reportTtl: 14 * day, nodeTtl: 7 * day, nodePurgeTtl: 14 * day, batchSize: 3 });
      assert.ok(result.reports >= 7, `${result.reports} reports deleted`);
      assert.ok(result.purgedNodes >= 1);
      assert.equal(await db.getNode(gone), undefined, 'a node deactivated longer than node_purge_ttl is gone');
      assert.deepEqual((await db.listReports(idle)).map((r) => r.status), ['unchanged']);
      assert.deepEqual({ ...(await db.select('SELECT latest_report_id, latest_report_status, latest_report_end_time, latest_report_hash FROM nodes WHERE name = ?', [stale]))[0] },
        { latest_report_id: null, latest_report_status: null, latest_report_end_time: null, latest_report_hash: null });
      assert.equal((await db.select('SELECT latest_report_status FROM nodes WHERE name = ?', [idle]))[0].latest_report_status, 'unchanged');
      assert.equal((await db.select('SELECT 1 FROM resource_events e WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = e.report_id)')).length, 0, 'no orphan events');
      // A node silent longer than node_ttl expires; new facts bring it back.
      const later = new Date(Date.now() + 8 * day);
      assert.ok((await db.gc({ reportTtl: 0, nodeTtl: 7 * day, now: later })).expiredNodes >= 1);
      assert.ok((await db.getNode(idle))!.expired);
      await db.saveFacts(idle, { a: 2 });
      assert.equal((await db.getNode(idle))!.expired, null);
      await db.close();
    });
  });
}

test('a database made before the query rows is migrated, its documents backfilled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-db-old-'));
  const path = join(dir, 'kasper.db');
  const old = new DatabaseSync(path);
  old.exec(`CREATE TABLE nodes (name TEXT PRIMARY KEY, environment TEXT, facts TEXT, facts_at TEXT, catalog_at TEXT, catalog_version TEXT, report_at TEXT, report_status TEXT, cached_catalog_status TEXT);
    CREATE TABLE catalogs (id INTEGER PRIMARY KEY AUTOINCREMENT, node TEXT NOT NULL, version TEXT NOT NULL, time TEXT NOT NULL, catalog TEXT NOT NULL);
    CREATE TABLE reports (id INTEGER PRIMARY KEY AUTOINCREMENT, node TEXT NOT NULL, time TEXT NOT NULL, status TEXT NOT NULL, noop INTEGER NOT NULL, cached_catalog_status TEXT NOT NULL, report TEXT NOT NULL);`);
  const web02 = fleet.nodes.find((n) => n.certname === 'web02.example.com')!;
  old.prepare('INSERT INTO nodes (name, environment, facts, facts_at) VALUES (?, ?, ?, ?)').run(web02.certname, 'production', JSON.stringify(web02.facts.values), '2025-03-10T10:05:00.000Z');
  old.prepare('INSERT INTO catalogs (node, version, time, catalog) VALUES (?, ?, ?, ?)').run(web02.certname, 'v1', '2025-03-10T10:05:01.000Z', JSON.stringify(web02.catalog!.catalog));
  old.prepare('INSERT INTO reports (node, time, status, noop, cached_catalog_status, report) VALUES (?, ?, ?, 0, ?, ?)').run(web02.certname, '2025-03-10T10:05:02.000Z', 'failed', 'not_used', JSON.stringify(web02.reports[0].report));
  old.close();
  const db = openStorage(path);
  await db.init();
  assert.equal((await db.select('SELECT count(*) AS n FROM fact_values WHERE node = ?', [web02.certname]))[0].n, Object.keys(web02.facts.values).length);
  assert.equal((await db.select('SELECT count(*) AS n FROM catalog_resources'))[0].n, 12);
  assert.equal((await db.select('SELECT count(*) AS n FROM resource_events'))[0].n, 3);
  const node = await db.select('SELECT r.status, r.hash, n.latest_report_status, n.latest_report_hash FROM nodes n JOIN reports r ON r.id = n.latest_report_id');
  assert.equal(node[0].status, 'failed');
  // The latest report's fields the nodes query reads are copied onto the node's row too.
  assert.equal(node[0].latest_report_status, 'failed');
  assert.equal(node[0].latest_report_hash, node[0].hash);
  await db.init(); // once migrated, nothing more to do
  assert.equal((await db.select('SELECT version FROM kasper_schema'))[0].version, MIGRATIONS.length);
  await db.close();
});

test('postgresql: every pooled connection runs without JIT from its first query, with no query sent alongside', async (t) => {
  const pgServer = postgres();
  if (!needs(t, 'url' in pgServer, 'reason' in pgServer ? pgServer.reason : '')) return;
  // In a fresh process: pg warns once per process, and the suites above have used the pool.
  const backend = join(import.meta.dirname, '../../packages/storage/src/backend.ts');
  const script = `
    import { postgresDb } from ${JSON.stringify(backend)};
    const db = postgresDb(${JSON.stringify((pgServer as PgServer).url)});
    // Ten at once: the pool opens several connections, each answering its very first query.
    const rows = await Promise.all(Array.from({ length: 10 }, () => db.all("SELECT current_setting('jit') AS jit, pg_backend_pid() AS pid")));
    await db.close();
    console.log(JSON.stringify({ pids: new Set(rows.map((r) => r[0].pid)).size, jit: [...new Set(rows.map((r) => r[0].jit))] }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /already executing a query/);
  const out = JSON.parse(r.stdout) as { pids: number; jit: string[] };
  assert.ok(out.pids > 1, 'several connections');
  assert.deepEqual(out.jit, ['off']);
});

test('postgresql: the short columns are read from their rows, not from TOAST, also after migrating rows written before', async (t) => {
  const pgServer = postgres();
  if (!needs(t, 'url' in pgServer, 'reason' in pgServer ? pgServer.reason : '')) return;
  const url = (pgServer as PgServer).url;
  const db = openStorage(url);
  await db.init();
  const node = `toast-${Date.now()}.example.com`;
  // Facts as large as a real node's: the document goes out of the row, the rest must not.
  await db.saveFacts(node, Object.fromEntries(Array.from({ length: 400 }, (_x, i) => [`fact_${i}`, `value ${i} of a node with many facts`])), 'production');
  await db.saveCatalog(node, JSON.stringify({ version: 'v1', environment: 'production', resources: [{ type: 'Class', title: 'Main', tags: ['class'], exported: false }], edges: [] }), 'v1');
  await db.saveReport(node, { host: node, time: new Date().toISOString(), status: 'changed', noop: false, cached_catalog_status: 'not_used' });
  // pg_column_size of a value kept in the row is its length + 1 (a short header); of one in TOAST, + 4.
  const extra = async () => (await db.select(`SELECT pg_column_size(n.name) - octet_length(n.name) AS name, pg_column_size(n.facts_at) - octet_length(n.facts_at) AS facts_at,
      pg_column_size(r.end_time) - octet_length(r.end_time) AS end_time, pg_column_size(r.hash) - octet_length(r.hash) AS hash,
      pg_column_size(c.environment) - octet_length(c.environment) AS environment, pg_column_size(c.hash) - octet_length(c.hash) AS catalog_hash
    FROM nodes n JOIN reports r ON r.id = n.latest_report_id JOIN catalogs c ON c.id = n.latest_catalog_id WHERE n.name = ?`, [node]))[0];
  const inRow = { name: 1, facts_at: 1, end_time: 1, hash: 1, environment: 1, catalog_hash: 1 };
  assert.deepEqual(await extra(), inRow);
  assert.ok(Number((await db.select('SELECT pg_column_size(facts) AS n FROM nodes WHERE name = ?', [node]))[0].n) < 4000, 'the facts are compressed');

  // Rows written before the migration (the columns stored as the default EXTENDED, compressed or
  // moved out by toast_tuple_target = 128) come back into their rows when it runs.
  const step = MIGRATIONS.find((m) => m.why.startsWith('PostgreSQL: the short columns'))!;
  const raw = postgresDb(url);
  try {
    for (const [table, col] of [['nodes', 'name'], ['nodes', 'facts_at'], ['reports', 'end_time'], ['reports', 'hash'], ['catalogs', 'environment'], ['catalogs', 'hash']]) {
      await raw.run(`ALTER TABLE ${table} ALTER COLUMN ${col} SET STORAGE EXTENDED`);
      await raw.run(`UPDATE ${table} SET ${col} = ${col} || '' WHERE ${table === 'nodes' ? 'name' : 'node'} = ?`, [node]);
    }
    // The premise: some are compressed or out of the row now (which, depends on the row's size).
    assert.notDeepEqual(await extra(), inRow, 'the premise: not all in the row before');
    await raw.transaction(async () => {
      for (const s of step.ddl('postgres')) await raw.run(s);
      await step.data!(raw);
    });
    assert.deepEqual(await extra(), inRow);
  } finally {
    await raw.close();
    await db.close();
  }
});
