// The tables, and the migrations that bring an existing database to them. A database records
// its version in `kasper_schema`; `migrate` applies the missing steps in one transaction, under a
// lock, so several masters starting on one PostgreSQL migrate it once.
import type { Db, Dialect } from './backend.ts';

/** The first schema (before versions were recorded): created if missing, as it always was. */
function baseSchema(d: Dialect): string[] {
  const serial = d === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
  return [
    `CREATE TABLE IF NOT EXISTS nodes (
      name TEXT PRIMARY KEY, environment TEXT, facts TEXT, facts_at TEXT,
      catalog_at TEXT, catalog_version TEXT, report_at TEXT, report_status TEXT, cached_catalog_status TEXT)`,
    `CREATE TABLE IF NOT EXISTS catalogs (
      id ${serial}, node TEXT NOT NULL, version TEXT NOT NULL, time TEXT NOT NULL, catalog TEXT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS catalogs_node ON catalogs (node, id)',
    `CREATE TABLE IF NOT EXISTS reports (
      id ${serial}, node TEXT NOT NULL, time TEXT NOT NULL, status TEXT NOT NULL, noop INTEGER NOT NULL,
      cached_catalog_status TEXT NOT NULL, report TEXT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS reports_node ON reports (node, id)',
  ];
}

/** JSON kept for querying: jsonb in PostgreSQL, text in SQLite. */
export const jsonType = (d: Dialect) => (d === 'postgres' ? 'jsonb' : 'TEXT');

export interface Migration {
  /** What the step is for (logged, and kept here for the reader). */
  why: string;
  ddl(d: Dialect): string[];
  /** Data work after the DDL (backfilling new tables from the documents already stored). */
  data?(db: Db): Promise<void>;
}

/** Filled in by index.ts: backfilling needs the row writers. */
export const backfills: { queryRows?: (db: Db) => Promise<void> } = {};

export const MIGRATIONS: Migration[] = [
  {
    why: 'PuppetDB-compatible queries: report summaries and events, catalog resources and edges, top-level facts, environments, node deactivation and expiry',
    ddl: (d) => {
      const json = jsonType(d);
      const serial = d === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT';
      const add = (table: string, cols: string[]) => cols.map((c) => `ALTER TABLE ${table} ADD COLUMN ${c}`);
      return [
        ...add('nodes', [
          'deactivated TEXT', 'expired TEXT', 'trusted TEXT', 'catalog_environment TEXT', 'latest_report_id BIGINT',
          'latest_report_time TEXT', 'latest_catalog_id BIGINT', 'last_activity TEXT',
        ]),
        ...add('catalogs', [
          'environment TEXT', 'transaction_uuid TEXT', 'catalog_uuid TEXT', 'code_id TEXT', 'job_id TEXT', 'producer TEXT',
          'producer_timestamp TEXT', 'hash TEXT', 'edges TEXT',
        ]),
        ...add('reports', [
          'hash TEXT', 'puppet_version TEXT', 'report_format INTEGER', 'configuration_version TEXT', 'start_time TEXT', 'end_time TEXT',
          'producer_timestamp TEXT', 'producer TEXT', 'transaction_uuid TEXT', 'catalog_uuid TEXT', 'code_id TEXT', 'job_id TEXT',
          'environment TEXT', 'noop_pending INTEGER', 'receive_time TEXT', 'report_type TEXT', 'metrics TEXT', 'logs TEXT',
        ]),
        'CREATE INDEX IF NOT EXISTS reports_hash ON reports (hash)',
        'CREATE INDEX IF NOT EXISTS reports_producer_timestamp ON reports (producer_timestamp)',
        `CREATE TABLE IF NOT EXISTS fact_values (
          node TEXT NOT NULL, name TEXT NOT NULL, value ${json} NOT NULL, PRIMARY KEY (node, name))`,
        'CREATE INDEX IF NOT EXISTS fact_values_name ON fact_values (name, node)',
        `CREATE TABLE IF NOT EXISTS catalog_resources (
          node TEXT NOT NULL, type TEXT NOT NULL, title TEXT NOT NULL, tags ${json} NOT NULL, exported INTEGER NOT NULL,
          file TEXT, line INTEGER, parameters ${json} NOT NULL, resource TEXT NOT NULL, PRIMARY KEY (node, type, title))`,
        'CREATE INDEX IF NOT EXISTS catalog_resources_type_title ON catalog_resources (type, title)',
        `CREATE TABLE IF NOT EXISTS resource_events (
          id ${serial}, report_id BIGINT NOT NULL, node TEXT NOT NULL, status TEXT, timestamp TEXT, resource_type TEXT NOT NULL,
          resource_title TEXT NOT NULL, property TEXT, name TEXT, new_value TEXT, old_value TEXT, message TEXT, file TEXT,
          line INTEGER, containment_path ${json}, containing_class TEXT)`,
        'CREATE INDEX IF NOT EXISTS resource_events_report ON resource_events (report_id)',
        'CREATE TABLE IF NOT EXISTS environments (name TEXT PRIMARY KEY)',
      ];
    },
    data: (db) => backfills.queryRows!(db),
  },
  {
    // SQLite keeps a row's columns in order, and reaching a column behind a 300 KB report means
    // walking the report's overflow pages: the documents go last. (PostgreSQL stores large
    // values out of line; its tables stay as they are.)
    why: 'SQLite: the stored documents (facts, catalog, report) become the last column of their rows',
    ddl: (d) => {
      if (d !== 'sqlite') return [];
      const rebuild = (table: string, columns: string, names: string[], indexes: string[]) => [
        `CREATE TABLE ${table}_v2 (${columns})`,
        `INSERT INTO ${table}_v2 (${names.join(', ')}) SELECT ${names.join(', ')} FROM ${table}`,
        `DROP TABLE ${table}`,
        `ALTER TABLE ${table}_v2 RENAME TO ${table}`,
        ...indexes,
      ];
      const nodes = ['name', 'environment', 'facts_at', 'catalog_at', 'catalog_version', 'report_at', 'report_status', 'cached_catalog_status', 'deactivated',
        'expired', 'catalog_environment', 'latest_report_id', 'latest_report_time', 'latest_catalog_id', 'last_activity', 'trusted', 'facts'];
      const catalogs = ['id', 'node', 'version', 'time', 'environment', 'transaction_uuid', 'catalog_uuid', 'code_id', 'job_id', 'producer', 'producer_timestamp',
        'hash', 'edges', 'catalog'];
      const reports = ['id', 'node', 'time', 'status', 'noop', 'cached_catalog_status', 'hash', 'puppet_version', 'report_format', 'configuration_version',
        'start_time', 'end_time', 'producer_timestamp', 'producer', 'transaction_uuid', 'catalog_uuid', 'code_id', 'job_id', 'environment', 'noop_pending',
        'receive_time', 'report_type', 'metrics', 'logs', 'report'];
      return [
        ...rebuild('nodes', `name TEXT PRIMARY KEY, environment TEXT, facts_at TEXT, catalog_at TEXT, catalog_version TEXT, report_at TEXT, report_status TEXT,
          cached_catalog_status TEXT, deactivated TEXT, expired TEXT, catalog_environment TEXT, latest_report_id BIGINT, latest_report_time TEXT,
          latest_catalog_id BIGINT, last_activity TEXT, trusted TEXT, facts TEXT`, nodes, []),
        ...rebuild('catalogs', `id INTEGER PRIMARY KEY AUTOINCREMENT, node TEXT NOT NULL, version TEXT NOT NULL, time TEXT NOT NULL, environment TEXT,
          transaction_uuid TEXT, catalog_uuid TEXT, code_id TEXT, job_id TEXT, producer TEXT, producer_timestamp TEXT, hash TEXT, edges TEXT, catalog TEXT NOT NULL`,
        catalogs, ['CREATE INDEX IF NOT EXISTS catalogs_node ON catalogs (node, id)']),
        ...rebuild('reports', `id INTEGER PRIMARY KEY AUTOINCREMENT, node TEXT NOT NULL, time TEXT NOT NULL, status TEXT NOT NULL, noop INTEGER NOT NULL,
          cached_catalog_status TEXT NOT NULL, hash TEXT, puppet_version TEXT, report_format INTEGER, configuration_version TEXT, start_time TEXT, end_time TEXT,
          producer_timestamp TEXT, producer TEXT, transaction_uuid TEXT, catalog_uuid TEXT, code_id TEXT, job_id TEXT, environment TEXT, noop_pending INTEGER,
          receive_time TEXT, report_type TEXT, metrics TEXT, logs TEXT, report TEXT NOT NULL`, reports, [
          'CREATE INDEX IF NOT EXISTS reports_node ON reports (node, id)',
          'CREATE INDEX IF NOT EXISTS reports_hash ON reports (hash)',
          'CREATE INDEX IF NOT EXISTS reports_producer_timestamp ON reports (producer_timestamp)',
        ]),
      ];
    },
  },
  {
    // PostgreSQL keeps a compressed value in the row while it fits in 2 kB: 20 kB of facts
    // compress to 1.3 kB, and the nodes table, which every nodes query scans, grows tenfold.
    // Out of the row go the documents (rows rewritten from their next update on). (A target
    // this low moves every value over 24 bytes out of the row; the short columns are kept in
    // it by the migration "short columns stay in their rows" below: a column added to these
    // tables later needs SET STORAGE MAIN too, as the latest report's copies on nodes have.)
    // And a node's events are found by the node (Puppetboard's report pages ask that way).
    why: 'PostgreSQL: documents stored out of the rows the queries scan; events indexed by node',
    ddl: (d) => [
      ...(d === 'postgres' ? ['nodes', 'catalogs', 'reports'].map((t) => `ALTER TABLE ${t} SET (toast_tuple_target = 128)`) : []),
      'CREATE INDEX IF NOT EXISTS resource_events_node ON resource_events (node, report_id)',
    ],
  },
  {
    // A report is 300 kB of JSON: pglz compresses it in milliseconds, lz4 in a fraction of one
    // (storing a report is on every agent run's path). Where the server has lz4.
    why: 'PostgreSQL: documents compressed with lz4 where the server supports it',
    ddl: () => [],
    data: async (db) => {
      if (db.dialect !== 'postgres') return;
      const lz4 = await db.all("SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)");
      if (!lz4.length) return;
      for (const [table, column] of [['reports', 'report'], ['catalogs', 'catalog'], ['nodes', 'facts']]) {
        await db.run(`ALTER TABLE ${table} ALTER COLUMN ${column} SET COMPRESSION lz4`);
      }
    },
  },
  {
    // A digest of a catalog's text from its resources on: the same as the node's latest catalog's
    // means the same resources and edges, so storing it derives nothing again (a collector's
    // 10,000-resource catalog is the same run after run).
    why: 'catalogs: a digest of their content, to store an unchanged catalog without deriving its rows again',
    ddl: () => ['ALTER TABLE catalogs ADD COLUMN content_digest TEXT'],
  },
  {
    // Run requests across masters: an agent keeps its event stream to one master, `kasper run`
    // may reach another. Which master holds which node's stream, and the runs asked of one master
    // for a node whose stream another holds, which that master takes and delivers.
    why: 'run requests across masters: which master holds a node\'s event stream, and runs queued for another master to deliver',
    ddl: () => [
      'CREATE TABLE IF NOT EXISTS run_streams (node TEXT NOT NULL, master TEXT NOT NULL, since TEXT NOT NULL, PRIMARY KEY (node, master))',
      `CREATE TABLE IF NOT EXISTS run_queue (
        transaction_uuid TEXT PRIMARY KEY, node TEXT NOT NULL, job_id TEXT, noop INTEGER NOT NULL, environment TEXT,
        requested TEXT NOT NULL, requested_by TEXT NOT NULL, delivered_by TEXT, delivered_at TEXT)`,
      'CREATE INDEX IF NOT EXISTS run_queue_node ON run_queue (node)',
    ],
  },
  {
    // toast_tuple_target = 128 (above) moved out of the row not only the documents but, largest
    // first until the row fit in 128 bytes, every value over 24 bytes: certnames, timestamps,
    // hashes, environments. Each then cost an index lookup in the TOAST table to read: the
    // nodes query of 10,000 nodes read 30,000 TOAST pages for the certnames alone, and sending
    // its rows took 200-400 ms where the joins took 10. Short columns are stored MAIN: kept in
    // the row (compressed or moved out only if the row outgrew a page). Rows already written are
    // rewritten so their values come back into the row: the nodes, the catalogs (a few per
    // node), and each node's latest report (older reports age out with report_ttl).
    why: 'PostgreSQL: the short columns of nodes, catalogs and reports stay in their rows (only the documents go out)',
    ddl: (d) => (d === 'postgres'
      ? Object.entries(SHORT_COLUMNS).map(([table, cols]) => `ALTER TABLE ${table} ${cols.map((c) => `ALTER COLUMN ${c} SET STORAGE MAIN`).join(', ')}`)
      : []),
    data: async (db) => {
      if (db.dialect !== 'postgres') return;
      // A new value (`x || ''`) is stored as the column now says; an unchanged one would keep its TOAST pointer.
      const fresh = (table: string) => SHORT_COLUMNS[table].map((c) => `${c} = ${c} || ''`).join(', ');
      await db.run(`UPDATE nodes SET ${fresh('nodes')}`);
      await db.run(`UPDATE catalogs SET ${fresh('catalogs')}`);
      await db.run(`UPDATE reports SET ${fresh('reports')} WHERE id IN (SELECT latest_report_id FROM nodes WHERE latest_report_id IS NOT NULL)`);
    },
  },
  {
    // The nodes query (pypuppetdb's db.nodes(), Puppetboard's front page) shows each node's
    // latest report's status, time, environment…: a join of every node with the reports, which
    // with weeks of reports kept is an index lookup per node into a table of millions. Those
    // fields are kept on the node's row, set with latest_report_id as a report is stored,
    // cleared with it when the report is deleted; the nodes query reads only the nodes.
    why: "nodes: the latest report's fields the nodes query shows, kept on the node's row",
    ddl: (d) => [
      ...LATEST_REPORT_COPIES.map((c) => `ALTER TABLE nodes ADD COLUMN latest_report_${c} ${c.startsWith('noop') ? 'INTEGER' : 'TEXT'}`),
      ...(d === 'postgres'
        ? [`ALTER TABLE nodes ${LATEST_REPORT_COPIES.filter((c) => !c.startsWith('noop')).map((c) => `ALTER COLUMN latest_report_${c} SET STORAGE MAIN`).join(', ')}`]
        : []),
      `UPDATE nodes SET (${LATEST_REPORT_COPIES.map((c) => `latest_report_${c}`).join(', ')})
         = (SELECT ${LATEST_REPORT_COPIES.map((c) => `r.${c}`).join(', ')} FROM reports r WHERE r.id = nodes.latest_report_id)
       WHERE latest_report_id IS NOT NULL`,
    ],
  },
];

/** The columns of a node's latest report kept on its row, as `latest_report_<column>` (see the migration). */
export const LATEST_REPORT_COPIES = ['end_time', 'environment', 'status', 'noop', 'noop_pending', 'hash', 'job_id', 'cached_catalog_status'];

/** The text columns of the tables with documents that are not documents: kept in the row (PostgreSQL). */
const SHORT_COLUMNS: Record<string, string[]> = {
  nodes: ['name', 'environment', 'facts_at', 'catalog_at', 'catalog_version', 'report_at', 'report_status', 'cached_catalog_status',
    'deactivated', 'expired', 'trusted', 'catalog_environment', 'latest_report_time', 'last_activity'],
  catalogs: ['node', 'version', 'time', 'environment', 'transaction_uuid', 'catalog_uuid', 'code_id', 'job_id', 'producer', 'producer_timestamp',
    'hash', 'content_digest'],
  reports: ['node', 'time', 'status', 'cached_catalog_status', 'hash', 'puppet_version', 'configuration_version', 'start_time', 'end_time',
    'producer_timestamp', 'producer', 'transaction_uuid', 'catalog_uuid', 'code_id', 'job_id', 'environment', 'receive_time', 'report_type'],
};

/** Brings the database to the latest schema. */
export async function migrate(db: Db): Promise<void> {
  await db.transaction(async () => {
    // One migrating master at a time; the others wait and then find nothing to do.
    if (db.dialect === 'postgres') await db.run('SELECT pg_advisory_xact_lock(7170431)');
    for (const s of baseSchema(db.dialect)) await db.run(s);
    await db.run('CREATE TABLE IF NOT EXISTS kasper_schema (version INTEGER NOT NULL)');
    const rows = await db.all<{ version: number }>('SELECT version FROM kasper_schema');
    let version = rows.length ? Number(rows[0].version) : 0;
    if (!rows.length) await db.run('INSERT INTO kasper_schema (version) VALUES (0)');
    for (; version < MIGRATIONS.length; version++) {
      const m = MIGRATIONS[version];
      for (const s of m.ddl(db.dialect)) await db.run(s);
      if (m.data) await m.data(db);
      await db.run('UPDATE kasper_schema SET version = ?', [version + 1]);
    }
  });
}
