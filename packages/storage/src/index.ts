// What the master keeps per node: its latest facts, its catalogs and its reports. Two
// backends with one interface and one test suite: embedded SQLite (node:sqlite, the default)
// and PostgreSQL (pg), for several masters sharing one store.
import { chmodSync, closeSync, openSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';

export interface NodeSummary {
  name: string;
  environment: string | null;
  factsAt: string | null;
  catalogAt: string | null;
  catalogVersion: string | null;
  reportAt: string | null;
  reportStatus: string | null;
  /** `not_used`, or how the agent fell back to a cached catalog. */
  cachedCatalogStatus: string | null;
  /** Its last run failed, or applied a cached catalog because it could not get a fresh one. */
  failing: boolean;
}

export interface ReportSummary {
  id: number;
  node: string;
  time: string;
  status: string;
  noop: boolean;
  cachedCatalogStatus: string;
}

export interface StoredReport {
  /** The report as the agent sent it (Puppet's report shape). */
  host: string;
  time: string;
  status: string;
  noop?: boolean;
  cached_catalog_status?: string;
  [key: string]: unknown;
}

export interface Storage {
  init(): Promise<void>;
  saveFacts(node: string, facts: unknown, environment?: string): Promise<void>;
  getFacts(node: string): Promise<unknown | undefined>;
  saveCatalog(node: string, catalog: string, version: string): Promise<void>;
  /** The last `n` catalogs of a node, newest first (JSON text). */
  catalogs(node: string, n: number): Promise<{ version: string; time: string; catalog: string }[]>;
  saveReport(node: string, report: StoredReport): Promise<number>;
  listNodes(): Promise<NodeSummary[]>;
  getNode(name: string): Promise<NodeSummary | undefined>;
  listReports(node?: string, limit?: number): Promise<ReportSummary[]>;
  getReport(id: number): Promise<StoredReport | undefined>;
  close(): Promise<void>;
}

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS nodes (
    name TEXT PRIMARY KEY, environment TEXT, facts TEXT, facts_at TEXT,
    catalog_at TEXT, catalog_version TEXT, report_at TEXT, report_status TEXT, cached_catalog_status TEXT)`,
  `CREATE TABLE IF NOT EXISTS catalogs (
    id ${'%SERIAL%'}, node TEXT NOT NULL, version TEXT NOT NULL, time TEXT NOT NULL, catalog TEXT NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS catalogs_node ON catalogs (node, id)',
  `CREATE TABLE IF NOT EXISTS reports (
    id ${'%SERIAL%'}, node TEXT NOT NULL, time TEXT NOT NULL, status TEXT NOT NULL, noop INTEGER NOT NULL,
    cached_catalog_status TEXT NOT NULL, report TEXT NOT NULL)`,
  'CREATE INDEX IF NOT EXISTS reports_node ON reports (node, id)',
];

/** The queries both backends run; `?` placeholders become `$n` for PostgreSQL. */
interface Db {
  run(sql: string, params?: unknown[]): Promise<void>;
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  insertId(sql: string, params: unknown[]): Promise<number>;
  transaction(fn: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
  serial: string;
}

interface NodeRow {
  name: string; environment: string | null; facts_at: string | null; catalog_at: string | null; catalog_version: string | null;
  report_at: string | null; report_status: string | null; cached_catalog_status: string | null;
}

function toSummary(r: NodeRow): NodeSummary {
  return {
    name: r.name, environment: r.environment, factsAt: r.facts_at, catalogAt: r.catalog_at, catalogVersion: r.catalog_version,
    reportAt: r.report_at, reportStatus: r.report_status, cachedCatalogStatus: r.cached_catalog_status,
    failing: r.report_status === 'failed' || (r.cached_catalog_status !== null && r.cached_catalog_status !== 'not_used'),
  };
}

/** Everything above the backend: shared by SQLite and PostgreSQL. */
class SqlStorage implements Storage {
  private readonly db: Db;
  /** Catalogs kept per node (the diff compares the last two). */
  private readonly keepCatalogs: number;
  constructor(db: Db, keepCatalogs = 10) {
    this.db = db;
    this.keepCatalogs = keepCatalogs;
  }

  async init(): Promise<void> {
    for (const s of SCHEMA) await this.db.run(s.replace('%SERIAL%', this.db.serial));
  }

  private async ensureNode(node: string): Promise<void> {
    await this.db.run('INSERT INTO nodes (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [node]);
  }

  async saveFacts(node: string, facts: unknown, environment?: string): Promise<void> {
    await this.db.transaction(async () => {
      await this.ensureNode(node);
      await this.db.run('UPDATE nodes SET facts = ?, facts_at = ?, environment = COALESCE(?, environment) WHERE name = ?',
        [JSON.stringify(facts), new Date().toISOString(), environment ?? null, node]);
    });
  }

  async getFacts(node: string): Promise<unknown | undefined> {
    const rows = await this.db.all<{ facts: string | null }>('SELECT facts FROM nodes WHERE name = ?', [node]);
    return rows[0]?.facts ? JSON.parse(rows[0].facts) : undefined;
  }

  async saveCatalog(node: string, catalog: string, version: string): Promise<void> {
    const time = new Date().toISOString();
    await this.db.transaction(async () => {
      await this.ensureNode(node);
      await this.db.run('INSERT INTO catalogs (node, version, time, catalog) VALUES (?, ?, ?, ?)', [node, version, time, catalog]);
      await this.db.run('UPDATE nodes SET catalog_at = ?, catalog_version = ? WHERE name = ?', [time, version, node]);
      await this.db.run(`DELETE FROM catalogs WHERE node = ? AND id NOT IN (SELECT id FROM catalogs WHERE node = ? ORDER BY id DESC LIMIT ${this.keepCatalogs})`, [node, node]);
    });
  }

  async catalogs(node: string, n: number): Promise<{ version: string; time: string; catalog: string }[]> {
    return this.db.all(`SELECT version, time, catalog FROM catalogs WHERE node = ? ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(n))}`, [node]);
  }

  async saveReport(node: string, report: StoredReport): Promise<number> {
    if (typeof report.status !== 'string' || typeof report.time !== 'string') throw new Error('a report needs a status and a time');
    let id = 0;
    const cached = report.cached_catalog_status ?? 'not_used';
    await this.db.transaction(async () => {
      await this.ensureNode(node);
      id = await this.db.insertId('INSERT INTO reports (node, time, status, noop, cached_catalog_status, report) VALUES (?, ?, ?, ?, ?, ?)',
        [node, report.time, report.status, report.noop ? 1 : 0, cached, JSON.stringify(report)]);
      await this.db.run('UPDATE nodes SET report_at = ?, report_status = ?, cached_catalog_status = ? WHERE name = ?', [report.time, report.status, cached, node]);
    });
    return id;
  }

  async listNodes(): Promise<NodeSummary[]> {
    return (await this.db.all<NodeRow>('SELECT name, environment, facts_at, catalog_at, catalog_version, report_at, report_status, cached_catalog_status FROM nodes ORDER BY name')).map(toSummary);
  }

  async getNode(name: string): Promise<NodeSummary | undefined> {
    const rows = await this.db.all<NodeRow>('SELECT name, environment, facts_at, catalog_at, catalog_version, report_at, report_status, cached_catalog_status FROM nodes WHERE name = ?', [name]);
    return rows[0] ? toSummary(rows[0]) : undefined;
  }

  async listReports(node?: string, limit = 50): Promise<ReportSummary[]> {
    const where = node ? 'WHERE node = ?' : '';
    const rows = await this.db.all<{ id: number; node: string; time: string; status: string; noop: number; cached_catalog_status: string }>(
      `SELECT id, node, time, status, noop, cached_catalog_status FROM reports ${where} ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(limit))}`, node ? [node] : []);
    return rows.map((r) => ({ id: Number(r.id), node: r.node, time: r.time, status: r.status, noop: Boolean(Number(r.noop)), cachedCatalogStatus: r.cached_catalog_status }));
  }

  async getReport(id: number): Promise<StoredReport | undefined> {
    const rows = await this.db.all<{ report: string }>('SELECT report FROM reports WHERE id = ?', [id]);
    return rows[0] ? JSON.parse(rows[0].report) : undefined;
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** SQLite in one file (WAL mode, so readers never wait for the writer). */
export function sqliteStorage(path: string): Storage {
  // Facts and reports are private to the master: the file (and so SQLite's -wal and -shm files,
  // which take its mode) is 0600 however it was made.
  if (path !== ':memory:') {
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
  }
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  let depth = 0;
  const backend: Db = {
    serial: 'INTEGER PRIMARY KEY AUTOINCREMENT',
    async run(sql, params = []) {
      db.prepare(sql).run(...(params as never[]));
    },
    async all<T>(sql: string, params: unknown[] = []) {
      return db.prepare(sql).all(...(params as never[])) as T[];
    },
    async insertId(sql, params) {
      return Number(db.prepare(sql).run(...(params as never[])).lastInsertRowid);
    },
    async transaction(fn) {
      // node:sqlite is synchronous; nested calls join the outer transaction.
      if (depth++ === 0) db.exec('BEGIN IMMEDIATE');
      try {
        await fn();
        if (depth === 1) db.exec('COMMIT');
      } catch (e) {
        if (depth === 1) db.exec('ROLLBACK');
        throw e;
      } finally {
        depth--;
      }
    },
    async close() {
      db.close();
    },
  };
  return new SqlStorage(backend);
}

/** PostgreSQL through a connection pool; several masters can share it. */
export function postgresStorage(connectionString: string): Storage {
  const pool = new pg.Pool({ connectionString, max: 10 });
  const toPg = (sql: string) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  const tx = new AsyncLocalStorageLite<pg.PoolClient>();
  const query = (sql: string, params: unknown[] = []) => (tx.current ?? pool).query(toPg(sql), params);
  const backend: Db = {
    serial: 'BIGSERIAL PRIMARY KEY',
    async run(sql, params) {
      await query(sql, params);
    },
    async all<T>(sql: string, params?: unknown[]) {
      return (await query(sql, params)).rows as T[];
    },
    async insertId(sql, params) {
      return Number((await query(`${sql} RETURNING id`, params)).rows[0].id);
    },
    async transaction(fn) {
      if (tx.current) return fn();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await tx.run(client, fn);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
  return new SqlStorage(backend);
}

import { AsyncLocalStorage } from 'node:async_hooks';

/** Which pooled client the current transaction runs on. */
class AsyncLocalStorageLite<T> {
  private readonly als = new AsyncLocalStorage<T>();
  get current(): T | undefined {
    return this.als.getStore();
  }
  run(value: T, fn: () => Promise<void>): Promise<void> {
    return this.als.run(value, fn);
  }
}

/** `sqlite:/path/to.db` or `postgres://…`; a bare path is SQLite. */
export function openStorage(url: string): Storage {
  if (/^postgres(ql)?:\/\//.test(url)) return postgresStorage(url);
  return sqliteStorage(url.replace(/^sqlite:/, ''));
}
