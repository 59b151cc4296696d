// What the master keeps per node: its latest facts, its catalogs and its reports — and, derived
// from them when they are stored, the rows PuppetDB's query API reads (report summaries and
// events, the latest catalog's resources and edges, top-level facts, environments). Two
// backends with one interface and one test suite: embedded SQLite (node:sqlite, the default)
// and PostgreSQL (pg), for several masters sharing one store. Reports are kept for
// `report_ttl`, nodes expire and are purged as in PuppetDB (`gc`).
import { secretParameters } from '@kasper/catalog';
import { type Db, type Dialect, postgresDb, sqliteDb } from './backend.ts';
import { catalogIds, catalogRows, pdbTime, sha1, reportRows, tryPdbTime, type EventRow, type ResourceRow } from './puppetdb.ts';
import { backfills, LATEST_REPORT_COPIES, migrate } from './schema.ts';

export type { Dialect } from './backend.ts';
export { canonicalJson, pdbTime, sha1, tryPdbTime } from './puppetdb.ts';

/** A run asked on one master for a node whose event stream another holds. */
export interface QueuedRun {
  transaction_uuid: string;
  node: string;
  job_id: string | null;
  noop: boolean;
  environment: string | null;
  requested: string;
}

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
  /** When it was deactivated, or null. */
  deactivated?: string | null;
  /** When it expired (no facts, catalog or report for `node_ttl`), or null. */
  expired?: string | null;
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

/** Who sent a document and when (PuppetDB's producer and producer_timestamp); default: now, unknown. */
export interface Produced {
  /** When the master handled it, ISO 8601; default now. */
  producerTimestamp?: string;
  /** The master's certname. */
  producer?: string;
}

export interface SaveFactsOptions extends Produced {
  /** `$trusted` of the node: kept beside the facts and answered as the `trusted` fact, as PuppetDB does. */
  trusted?: Record<string, unknown>;
}

export interface SaveCatalogOptions extends Produced {
  /** The agent run that asked for the catalog. */
  transactionUuid?: string;
  /** The environment it was compiled in (default: the catalog's own). */
  environment?: string;
  jobId?: string;
}

/** How long things are kept. Durations in milliseconds; 0 keeps forever. */
export interface RetentionOptions {
  /** Reports (and their events) older than this are deleted (PuppetDB's report-ttl, 14 days). */
  reportTtl: number;
  /** Nodes with no facts, catalog or report for this long expire (PuppetDB's node-ttl, 7 days). */
  nodeTtl?: number;
  /** Deactivated or expired nodes are deleted with their data after this long (node-purge-ttl, 14 days). */
  nodePurgeTtl?: number;
  /** Rows deleted per transaction; between batches other work runs (default 500). */
  batchSize?: number;
  now?: Date;
}

/** A node's latest stored facts (when) and catalog (which), or nulls. */
export interface NodeMarks {
  factsAt: string | null;
  catalogId: number | null;
}

export interface GcResult {
  reports: number;
  expiredNodes: number;
  purgedNodes: number;
}

export interface Storage {
  /** Which SQL the store speaks (the query package writes for both). */
  readonly dialect: Dialect;
  /** Creates the tables, or migrates an existing database to the current schema. */
  init(): Promise<void>;
  /** Stores a node's facts; answers when they were stored (the node's `factsAt`, see `marks`). */
  saveFacts(node: string, facts: unknown, environment?: string, options?: SaveFactsOptions): Promise<string>;
  getFacts(node: string): Promise<unknown | undefined>;
  /** Stores a catalog as the node's latest; answers its id (the node's `catalogId`, see `marks`). */
  saveCatalog(node: string, catalog: string, version: string, options?: SaveCatalogOptions): Promise<number>;
  /**
   * Which facts and catalog are a node's latest (one indexed read): a master that skips storing
   * what it stored before checks here that no other master stored something else since.
   */
  marks(node: string): Promise<NodeMarks>;
  /** The last `n` catalogs of a node, newest first (JSON text). */
  catalogs(node: string, n: number): Promise<{ version: string; time: string; catalog: string }[]>;
  saveReport(node: string, report: StoredReport, options?: Produced): Promise<number>;
  listNodes(): Promise<NodeSummary[]>;
  getNode(name: string): Promise<NodeSummary | undefined>;
  listReports(node?: string, limit?: number): Promise<ReportSummary[]>;
  getReport(id: number): Promise<StoredReport | undefined>;
  /** Marks a node deactivated (PuppetDB's `deactivate node`); new facts or a catalog reactivate it. False if unknown. */
  deactivateNode(name: string, at?: string): Promise<boolean>;
  /** Deletes what outlived its retention, a batch per transaction. */
  gc(options: RetentionOptions): Promise<GcResult>;
  /** Run requests across masters: a node's event stream opened or closed on a master. */
  runStreamOpened(node: string, master: string, since: string): Promise<void>;
  runStreamClosed(node: string, master: string): Promise<void>;
  /** Forgets the streams recorded for a master (it starts or stops with none). */
  clearRunStreams(master: string): Promise<void>;
  /** The masters holding an event stream of the node, newest first. */
  runStreamMasters(node: string): Promise<string[]>;
  /** Queues a run for the master holding the node's stream to deliver. */
  queueRun(run: QueuedRun, requestedBy: string): Promise<void>;
  /** Takes (each once) the runs queued for the nodes whose streams `master` holds, for it to deliver. */
  claimRuns(master: string): Promise<QueuedRun[]>;
  /** Runs a read-only statement (`?` placeholders) written for this store's dialect. */
  select(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** The same, each row handed to `onRow` as it arrives, an array of its columns' values (large answers: see Db.each). */
  selectEach(sql: string, params: unknown[], onRow: (row: unknown[]) => void): Promise<void>;
  close(): Promise<void>;
}

interface NodeRow {
  name: string; environment: string | null; facts_at: string | null; catalog_at: string | null; catalog_version: string | null;
  report_at: string | null; report_status: string | null; cached_catalog_status: string | null; deactivated: string | null; expired: string | null;
}

function toSummary(r: NodeRow): NodeSummary {
  return {
    name: r.name, environment: r.environment, factsAt: r.facts_at, catalogAt: r.catalog_at, catalogVersion: r.catalog_version,
    reportAt: r.report_at, reportStatus: r.report_status, cachedCatalogStatus: r.cached_catalog_status,
    failing: r.report_status === 'failed' || (r.cached_catalog_status !== null && r.cached_catalog_status !== 'not_used'),
    deactivated: r.deactivated, expired: r.expired,
  };
}

/** The node's latest report: its id and producer time, and the copies of its fields the nodes query reads. */
const LATEST_REPORT = ['latest_report_id', 'latest_report_time', ...LATEST_REPORT_COPIES.map((c) => `latest_report_${c}`)];
const NODE_COLUMNS = 'name, environment, facts_at, catalog_at, catalog_version, report_at, report_status, cached_catalog_status, deactivated, expired';

/** Lets other work run between batches (node:sqlite is synchronous). */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Everything above the backend: shared by SQLite and PostgreSQL. */
class SqlStorage implements Storage {
  private readonly db: Db;
  /** Catalogs kept per node (the diff compares the last two). */
  private readonly keepCatalogs: number;
  readonly dialect: Dialect;
  constructor(db: Db, keepCatalogs = 10) {
    this.db = db;
    this.dialect = db.dialect;
    this.keepCatalogs = keepCatalogs;
  }

  async init(): Promise<void> {
    await migrate(this.db);
  }

  /** `?` for a JSON value, cast where the column is jsonb. */
  private get jsonParam(): string {
    return this.dialect === 'postgres' ? 'CAST(? AS jsonb)' : '?';
  }

  /**
   * Makes the node's row and locks it until the transaction ends: two masters storing the same
   * node's facts or catalog at once (an agent that retried through another master) take turns,
   * so neither sees the other's half-replaced rows (on PostgreSQL the upsert locks the row;
   * SQLite writes one transaction at a time anyway).
   */
  private async ensureNode(node: string): Promise<void> {
    await this.db.run('INSERT INTO nodes (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name', [node]);
  }

  /** Environments this process knows are stored (they are never deleted). */
  private readonly environments = new Set<string>();

  private async ensureEnvironment(name: string | null | undefined): Promise<void> {
    if (!name || this.environments.has(name)) return;
    await this.db.run('INSERT INTO environments (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [name]);
  }

  /** After the transaction that stored it committed. */
  private remember(environment: string | null | undefined): void {
    if (environment) this.environments.add(environment);
  }

  /** Inserts rows in statements of up to `chunk` rows. */
  private async insertMany(table: string, columns: string[], jsonColumns: Set<string>, rows: unknown[][], chunk = 200): Promise<void> {
    const one = `(${columns.map((c) => (jsonColumns.has(c) ? this.jsonParam : '?')).join(', ')})`;
    for (let i = 0; i < rows.length; i += chunk) {
      const part = rows.slice(i, i + chunk);
      await this.db.run(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${part.map(() => one).join(', ')}`, part.flat());
    }
  }

  /** Replaces a node's top-level fact rows (the trusted data as the `trusted` fact). */
  async writeFactRows(node: string, facts: unknown, trusted: string | null): Promise<void> {
    await this.db.run('DELETE FROM fact_values WHERE node = ?', [node]);
    const values = facts && typeof facts === 'object' && !Array.isArray(facts) ? { ...(facts as Record<string, unknown>) } : {};
    if (trusted !== null) values.trusted = JSON.parse(trusted);
    const rows = Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => [node, k, JSON.stringify(v)]);
    await this.insertMany('fact_values', ['node', 'name', 'value'], new Set(['value']), rows);
  }

  async saveFacts(node: string, facts: unknown, environment?: string, options: SaveFactsOptions = {}): Promise<string> {
    const now = new Date().toISOString();
    const produced = options.producerTimestamp ? pdbTime(options.producerTimestamp) : now;
    await this.db.transaction(async () => {
      await this.ensureNode(node);
      const prior = await this.db.all<{ trusted: string | null }>('SELECT trusted FROM nodes WHERE name = ?', [node]);
      const trusted = options.trusted ? JSON.stringify(options.trusted) : (prior[0]?.trusted ?? null);
      await this.db.run(
        `UPDATE nodes SET facts = ?, facts_at = ?, environment = COALESCE(?, environment), trusted = ?, last_activity = ?,
           deactivated = CASE WHEN deactivated < ? THEN NULL ELSE deactivated END, expired = NULL WHERE name = ?`,
        [JSON.stringify(facts), now, environment ?? null, trusted, now, produced, node]);
      await this.writeFactRows(node, facts, trusted);
      await this.ensureEnvironment(environment);
    });
    this.remember(environment);
    return now;
  }

  async marks(node: string): Promise<NodeMarks> {
    const rows = await this.db.all<{ facts_at: string | null; latest_catalog_id: number | string | null }>('SELECT facts_at, latest_catalog_id FROM nodes WHERE name = ?', [node]);
    const id = rows[0]?.latest_catalog_id;
    return { factsAt: rows[0]?.facts_at ?? null, catalogId: id === null || id === undefined ? null : Number(id) };
  }

  async getFacts(node: string): Promise<unknown | undefined> {
    const rows = await this.db.all<{ facts: string | null }>('SELECT facts FROM nodes WHERE name = ?', [node]);
    return rows[0]?.facts ? JSON.parse(rows[0].facts) : undefined;
  }

  async saveCatalog(node: string, catalog: string, version: string, options: SaveCatalogOptions = {}): Promise<number> {
    const time = new Date().toISOString();
    const produced = options.producerTimestamp ? pdbTime(options.producerTimestamp) : time;
    let doc: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(catalog) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) doc = parsed as Record<string, unknown>;
    } catch { /* kept as text; no resources to derive */ }
    // The text from its resources on (after the header: name, version, uuid…) names its
    // content: the same as the node's latest catalog's (most runs), and nothing PuppetDB derives
    // from it is computed again — its hash and edges are the latest's, its resource rows stay.
    const at = catalog.indexOf('"resources":');
    const digest = at >= 0 ? sha1(catalog.slice(at)) : null;
    const ids = catalogIds(doc, options.transactionUuid ?? null);
    // The catalog is kept as sent, less the values of sensitive parameters (as PuppetDB keeps it):
    // a password from Sensitive() reaches the agent and no one who reads the store.
    catalog = withoutSensitiveValues(catalog, doc);
    const environment = options.environment ?? (typeof doc.environment === 'string' ? doc.environment : null);
    let stored = 0;
    await this.db.transaction(async () => {
      await this.ensureNode(node);
      const latest = (await this.db.all<{ hash: string | null; edges: string | null; content_digest: string | null }>(
        'SELECT c.hash, c.edges, c.content_digest FROM nodes n JOIN catalogs c ON c.id = n.latest_catalog_id WHERE n.name = ?', [node]))[0];
      const same = digest !== null && latest?.content_digest === digest;
      const rows = same ? undefined : catalogRows({ ...doc, name: node }, options.transactionUuid ?? null);
      const id = await this.db.insertId(
        `INSERT INTO catalogs (node, version, time, catalog, environment, transaction_uuid, catalog_uuid, code_id, job_id, producer, producer_timestamp, hash, edges, content_digest)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [node, version, time, catalog, environment, options.transactionUuid ?? null, ids.catalog_uuid, ids.code_id, options.jobId ?? ids.job_id,
          options.producer ?? null, produced, rows ? rows.hash : latest!.hash, rows ? JSON.stringify(rows.edges) : latest!.edges, digest]);
      await this.db.run(
        `UPDATE nodes SET catalog_at = ?, catalog_version = ?, latest_catalog_id = ?, catalog_environment = ?, last_activity = ?,
           deactivated = CASE WHEN deactivated < ? THEN NULL ELSE deactivated END, expired = NULL WHERE name = ?`,
        [time, version, id, environment, time, produced, node]);
      // The same resources and edges (PuppetDB's hash) as the latest: its resource rows stay,
      // as PuppetDB does with a catalog whose hash it already has; else only the changed ones change.
      if (rows && rows.hash !== latest?.hash) await this.writeResourceRows(node, rows.resources);
      await this.ensureEnvironment(environment);
      await this.db.run(`DELETE FROM catalogs WHERE node = ? AND id NOT IN (SELECT id FROM catalogs WHERE node = ? ORDER BY id DESC LIMIT ${this.keepCatalogs})`, [node, node]);
      stored = id;
    });
    this.remember(environment);
    return stored;
  }

  /**
   * Replaces the resource rows of a node's latest catalog with `resources`, touching only what
   * changed: rows whose type and title are gone or whose content differs are deleted, new and
   * changed ones inserted; when most of them changed, all are replaced. (A collector's catalog of
   * 10,000 resources where one other node's export changed rewrites one row, not 10,000.)
   */
  async writeResourceRows(node: string, resources: ResourceRow[]): Promise<void> {
    // A catalog never holds one resource twice; a hand-made one might: the last wins.
    const unique = new Map(resources.map((r) => [`${r.type}\0${r.title}`, r]));
    const identity = (r: { resource: string; tags: unknown; exported: unknown; file: unknown; line: unknown }) =>
      `${r.resource}\0${typeof r.tags === 'string' ? r.tags : JSON.stringify(r.tags)}\0${r.exported ? 1 : 0}\0${r.file ?? ''}\0${r.line ?? ''}`;
    const held = await this.db.all<{ type: string; title: string; resource: string; tags: unknown; exported: unknown; file: string | null; line: number | null }>(
      'SELECT type, title, resource, tags, exported, file, line FROM catalog_resources WHERE node = ?', [node]);
    const gone: { type: string; title: string }[] = [];
    for (const h of held) {
      const key = `${h.type}\0${h.title}`;
      const r = unique.get(key);
      // The same row (tags compared as stored: JSON text in SQLite, parsed in PostgreSQL).
      if (r && identity(h) === identity({ ...r, tags: typeof h.tags === 'string' ? r.tags : JSON.parse(r.tags) })) unique.delete(key);
      else gone.push(h);
    }
    if (gone.length > held.length / 2) {
      await this.db.run('DELETE FROM catalog_resources WHERE node = ?', [node]);
      unique.clear();
      for (const r of resources) unique.set(`${r.type}\0${r.title}`, r);
    } else {
      for (let i = 0; i < gone.length; i += 200) {
        const part = gone.slice(i, i + 200);
        await this.db.run(`DELETE FROM catalog_resources WHERE node = ? AND (type, title) IN (VALUES ${part.map(() => '(?, ?)').join(', ')})`,
          [node, ...part.flatMap((g) => [g.type, g.title])]);
      }
    }
    await this.insertMany('catalog_resources', ['node', 'type', 'title', 'tags', 'exported', 'file', 'line', 'parameters', 'resource'], new Set(['tags', 'parameters']),
      [...unique.values()].map((r) => [node, r.type, r.title, r.tags, r.exported ? 1 : 0, r.file, r.line, r.parameters, r.resource]), 100);
  }

  async catalogs(node: string, n: number): Promise<{ version: string; time: string; catalog: string }[]> {
    return this.db.all(`SELECT version, time, catalog FROM catalogs WHERE node = ? ORDER BY id DESC LIMIT ${Math.max(1, Math.floor(n))}`, [node]);
  }

  async saveReport(node: string, report: StoredReport, options: Produced = {}): Promise<number> {
    if (typeof report.status !== 'string' || typeof report.time !== 'string') throw new Error('a report needs a status and a time');
    const now = new Date().toISOString();
    const produced = options.producerTimestamp ? pdbTime(options.producerTimestamp) : now;
    const { row, events } = reportRows(node, tryPdbTime(report.time) ? report : { ...report, time: produced }, produced, options.producer ?? null);
    let id = 0;
    const cached = report.cached_catalog_status ?? 'not_used';
    await this.db.transaction(async () => {
      // The same report again (an agent that sent it again through another master when the
      // first went down before answering) is not stored twice: one run is one transaction of
      // one node, started at one time. (PuppetDB's hash would not say so: it holds the time
      // each master received the report.)
      const again = row.transaction_uuid === null ? [] : await this.db.all<{ id: number | string }>(
        'SELECT id FROM reports WHERE node = ? AND transaction_uuid = ? AND time = ?', [node, row.transaction_uuid, report.time]);
      if (again.length) {
        id = Number(again[0].id);
        return;
      }
      id = await this.db.insertId(
        `INSERT INTO reports (node, time, status, noop, cached_catalog_status, report, hash, puppet_version, report_format, configuration_version,
           start_time, end_time, producer_timestamp, producer, transaction_uuid, catalog_uuid, code_id, job_id, environment, noop_pending,
           receive_time, report_type, metrics, logs)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [node, report.time, report.status, report.noop ? 1 : 0, cached, JSON.stringify(report), row.hash, row.puppet_version, row.report_format,
          row.configuration_version, row.start_time, row.end_time, row.producer_timestamp, row.producer, row.transaction_uuid, row.catalog_uuid,
          row.code_id, row.job_id, row.environment, row.noop_pending === null ? null : row.noop_pending ? 1 : 0, now, row.report_type, row.metrics, row.logs]);
      await this.writeEventRows(id, node, events);
      // One statement for the node: created if new; its latest report is the one produced last
      // (PuppetDB's rule), not the one stored last, and what the nodes query shows of it is
      // kept on the node's row with it. (Storing a report is on every run's path.)
      const latest = [id, row.producer_timestamp, row.end_time, row.environment, report.status, report.noop ? 1 : 0,
        row.noop_pending === null ? null : row.noop_pending ? 1 : 0, row.hash, row.job_id, cached];
      await this.db.run(
        `INSERT INTO nodes (name, report_at, report_status, cached_catalog_status, last_activity, ${LATEST_REPORT.join(', ')})
         VALUES (?, ?, ?, ?, ?, ${LATEST_REPORT.map(() => '?').join(', ')})
         ON CONFLICT (name) DO UPDATE SET report_at = excluded.report_at, report_status = excluded.report_status,
           cached_catalog_status = excluded.cached_catalog_status, last_activity = excluded.last_activity,
           ${LATEST_REPORT.map((c) => `${c} = CASE WHEN nodes.latest_report_time IS NULL OR nodes.latest_report_time <= excluded.latest_report_time
             THEN excluded.${c} ELSE nodes.${c} END`).join(',\n           ')}`,
        [node, report.time, report.status, cached, now, ...latest]);
      await this.ensureEnvironment(row.environment);
    });
    this.remember(row.environment);
    return id;
  }

  /** Adds a report's events. */
  async writeEventRows(reportId: number, node: string, events: EventRow[]): Promise<void> {
    const columns = ['report_id', 'node', 'status', 'timestamp', 'resource_type', 'resource_title', 'property', 'name', 'new_value', 'old_value',
      'message', 'file', 'line', 'containment_path', 'containing_class'];
    await this.insertMany('resource_events', columns, new Set(['containment_path']), events.map((e) => [reportId, node, e.status, e.timestamp,
      e.resource_type, e.resource_title, e.property, e.name, e.new_value, e.old_value, e.message, e.file, e.line, e.containment_path, e.containing_class]), 100);
  }

  // Run requests across masters (see schema.ts): a master records the event streams it holds,
  // queues a run for a node whose stream another master holds, and takes the runs queued for its
  // own streams' nodes (each run once: the update that marks it delivered is the claim).

  /** A node's event stream is open on `master` (since `since`). */
  async runStreamOpened(node: string, master: string, since: string): Promise<void> {
    await this.db.run('INSERT INTO run_streams (node, master, since) VALUES (?, ?, ?) ON CONFLICT (node, master) DO UPDATE SET since = excluded.since', [node, master, since]);
  }

  /** A node's event stream on `master` closed. */
  async runStreamClosed(node: string, master: string): Promise<void> {
    await this.db.run('DELETE FROM run_streams WHERE node = ? AND master = ?', [node, master]);
  }

  /** Forgets every stream recorded for `master` (it starts, or stops, with none). */
  async clearRunStreams(master: string): Promise<void> {
    await this.db.run('DELETE FROM run_streams WHERE master = ?', [master]);
  }

  /** The masters holding a stream of `node`. */
  async runStreamMasters(node: string): Promise<string[]> {
    return (await this.db.all<{ master: string }>('SELECT master FROM run_streams WHERE node = ? ORDER BY since DESC', [node])).map((r) => r.master);
  }

  /** Queues a run asked on `requestedBy` for another master to deliver. */
  async queueRun(run: QueuedRun, requestedBy: string): Promise<void> {
    await this.db.run('INSERT INTO run_queue (transaction_uuid, node, job_id, noop, environment, requested, requested_by) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [run.transaction_uuid, run.node, run.job_id, run.noop ? 1 : 0, run.environment, run.requested, requestedBy]);
  }

  /**
   * Takes the undelivered runs queued for the nodes whose streams `master` holds (as recorded in
   * run_streams), each once, for it to deliver. No list of nodes travels with the statement, so
   * it costs the same with ten agents as with ten thousand.
   */
  async claimRuns(master: string): Promise<QueuedRun[]> {
    const rows = await this.db.all<{ transaction_uuid: string; node: string; job_id: string | null; noop: number; environment: string | null; requested: string }>(
      `UPDATE run_queue SET delivered_by = ?, delivered_at = ? WHERE delivered_by IS NULL AND node IN (SELECT node FROM run_streams WHERE master = ?)
       RETURNING transaction_uuid, node, job_id, noop, environment, requested`, [master, new Date().toISOString(), master]);
    return rows.map((r) => ({ transaction_uuid: r.transaction_uuid, node: r.node, job_id: r.job_id, noop: Boolean(Number(r.noop)), environment: r.environment, requested: r.requested }));
  }

  async listNodes(): Promise<NodeSummary[]> {
    return (await this.db.all<NodeRow>(`SELECT ${NODE_COLUMNS} FROM nodes ORDER BY name`)).map(toSummary);
  }

  async getNode(name: string): Promise<NodeSummary | undefined> {
    const rows = await this.db.all<NodeRow>(`SELECT ${NODE_COLUMNS} FROM nodes WHERE name = ?`, [name]);
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

  async deactivateNode(name: string, at?: string): Promise<boolean> {
    const when = at ? pdbTime(at) : new Date().toISOString();
    return (await this.db.change('UPDATE nodes SET deactivated = ? WHERE name = ? AND (deactivated IS NULL OR deactivated < ?)', [when, name, when])) > 0
      || (await this.db.all('SELECT 1 FROM nodes WHERE name = ?', [name])).length > 0;
  }

  async gc(options: RetentionOptions): Promise<GcResult> {
    const now = options.now ?? new Date();
    const batch = Math.max(1, options.batchSize ?? 500);
    const result: GcResult = { reports: 0, expiredNodes: 0, purgedNodes: 0 };
    const before = (ms: number) => new Date(now.getTime() - ms).toISOString();
    if (options.nodeTtl) {
      result.expiredNodes = await this.db.change(
        'UPDATE nodes SET expired = ? WHERE expired IS NULL AND deactivated IS NULL AND last_activity IS NOT NULL AND last_activity < ?',
        [now.toISOString(), before(options.nodeTtl)]);
    }
    if (options.nodePurgeTtl) {
      const cutoff = before(options.nodePurgeTtl);
      for (;;) {
        const names = (await this.db.all<{ name: string }>(
          `SELECT name FROM nodes WHERE (deactivated IS NOT NULL AND deactivated < ?) OR (expired IS NOT NULL AND expired < ?) LIMIT ${batch}`, [cutoff, cutoff])).map((r) => r.name);
        if (!names.length) break;
        for (const name of names) {
          await this.db.transaction(async () => {
            await this.deleteReports('node = ?', [name], Number.MAX_SAFE_INTEGER);
            for (const table of ['fact_values', 'catalog_resources', 'catalogs']) await this.db.run(`DELETE FROM ${table} WHERE node = ?`, [name]);
            await this.db.run('DELETE FROM nodes WHERE name = ?', [name]);
          });
          result.purgedNodes++;
          await pause();
        }
      }
    }
    // Queued runs are answered by their reports; the queue keeps a day of them (as a master's memory).
    await this.db.run('DELETE FROM run_queue WHERE requested < ?', [before(86_400_000)]);
    if (options.reportTtl) {
      const cutoff = before(options.reportTtl);
      for (;;) {
        let n = 0;
        await this.db.transaction(async () => {
          n = await this.deleteReports('producer_timestamp < ?', [cutoff], batch);
        });
        result.reports += n;
        if (n < batch) break;
        await pause();
      }
    }
    return result;
  }

  /** Deletes up to `limit` reports matching `where`, with their events; nodes forget them as their latest. */
  private async deleteReports(where: string, params: unknown[], limit: number): Promise<number> {
    const ids = (await this.db.all<{ id: number }>(`SELECT id FROM reports WHERE ${where} ORDER BY id LIMIT ${Math.min(limit, 1_000_000)}`, params)).map((r) => Number(r.id));
    for (let i = 0; i < ids.length; i += 500) {
      const part = ids.slice(i, i + 500);
      const list = part.map(() => '?').join(', ');
      await this.db.run(`DELETE FROM resource_events WHERE report_id IN (${list})`, part);
      // The time stays: an older report stored later does not become the latest.
      await this.db.run(`UPDATE nodes SET ${LATEST_REPORT.filter((c) => c !== 'latest_report_time').map((c) => `${c} = NULL`).join(', ')}
        WHERE latest_report_id IN (${list})`, part);
      await this.db.run(`DELETE FROM reports WHERE id IN (${list})`, part);
    }
    return ids.length;
  }

  select(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.db.all(sql, params);
  }

  selectEach(sql: string, params: unknown[], onRow: (row: unknown[]) => void): Promise<void> {
    return this.db.each(sql, params, onRow);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/**
 * Derives the query rows of documents stored before they existed: each node's facts, its latest
 * catalog's resources, and every report's summary and events (the first migration).
 */
backfills.queryRows = async (db: Db) => {
  const s = new SqlStorage(db);
  const nodes = await db.all<{ name: string; facts: string | null; environment: string | null }>('SELECT name, facts, environment FROM nodes');
  const now = new Date().toISOString();
  for (const n of nodes) {
    if (n.facts) await s.writeFactRows(n.name, JSON.parse(n.facts), null);
    if (n.environment) await db.run('INSERT INTO environments (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [n.environment]);
    const latest = await db.all<{ id: number; catalog: string; time: string }>('SELECT id, catalog, time FROM catalogs WHERE node = ? ORDER BY id DESC LIMIT 1', [n.name]);
    if (latest[0]) {
      let doc: Record<string, unknown> = {};
      try {
        doc = JSON.parse(latest[0].catalog);
      } catch { /* not JSON: no resources */ }
      const rows = catalogRows({ ...doc, name: n.name }, null);
      const env = typeof doc.environment === 'string' ? doc.environment : null;
      await db.run('UPDATE catalogs SET environment = ?, catalog_uuid = ?, code_id = ?, job_id = ?, producer_timestamp = time, hash = ?, edges = ? WHERE id = ?',
        [env, rows.catalog_uuid, rows.code_id, rows.job_id, rows.hash, JSON.stringify(rows.edges), latest[0].id]);
      await db.run('UPDATE nodes SET latest_catalog_id = ?, catalog_environment = ? WHERE name = ?', [latest[0].id, env, n.name]);
      await s.writeResourceRows(n.name, rows.resources);
    }
    await db.run('UPDATE nodes SET last_activity = ? WHERE name = ?', [now, n.name]);
  }
  let last = 0;
  for (;;) {
    const reports = await db.all<{ id: number; node: string; report: string }>('SELECT id, node, report FROM reports WHERE id > ? ORDER BY id LIMIT 200', [last]);
    if (!reports.length) break;
    for (const r of reports) {
      last = Number(r.id);
      let doc: StoredReport;
      try {
        doc = JSON.parse(r.report);
      } catch {
        continue;
      }
      const produced = tryPdbTime(String(doc.time)) ?? now;
      const { row, events } = reportRows(r.node, tryPdbTime(String(doc.time)) ? doc : { ...doc, time: produced }, produced, null);
      await db.run(
        `UPDATE reports SET hash = ?, puppet_version = ?, report_format = ?, configuration_version = ?, start_time = ?, end_time = ?, producer_timestamp = ?,
           transaction_uuid = ?, catalog_uuid = ?, code_id = ?, job_id = ?, environment = ?, noop_pending = ?, receive_time = ?, report_type = ?, metrics = ?, logs = ?
         WHERE id = ?`,
        [row.hash, row.puppet_version, row.report_format, row.configuration_version, row.start_time, row.end_time, row.producer_timestamp,
          row.transaction_uuid, row.catalog_uuid, row.code_id, row.job_id, row.environment, row.noop_pending === null ? null : row.noop_pending ? 1 : 0,
          produced, row.report_type, row.metrics, row.logs, r.id]);
      await s.writeEventRows(Number(r.id), r.node, events);
      await db.run('UPDATE nodes SET latest_report_id = ?, latest_report_time = ? WHERE name = ? AND (latest_report_time IS NULL OR latest_report_time <= ?)',
        [r.id, row.producer_timestamp, r.node, row.producer_timestamp]);
      if (row.environment) await db.run('INSERT INTO environments (name) VALUES (?) ON CONFLICT (name) DO NOTHING', [row.environment]);
    }
  }
};

/** SQLite in one file (WAL mode, so readers never wait for the writer). */
export function sqliteStorage(path: string): Storage {
  return new SqlStorage(sqliteDb(path));
}

/** PostgreSQL through a connection pool; several masters can share it. */
export function postgresStorage(connectionString: string): Storage {
  return new SqlStorage(postgresDb(connectionString));
}

/** `sqlite:/path/to.db` or `postgres://…`; a bare path is SQLite. */
export function openStorage(url: string): Storage {
  if (/^postgres(ql)?:\/\//.test(url)) return postgresStorage(url);
  return sqliteStorage(url.replace(/^sqlite:/, ''));
}

/**
 * The catalog text without the values of each resource's `sensitive_parameters` (their names
 * stay), nor of parameters holding a Sensitive inside (an array or hash with one). The text is kept byte for byte when there are none; otherwise rewritten with every
 * number as it was written (64-bit integers keep their digits).
 */
function withoutSensitiveValues(text: string, doc: Record<string, unknown>): string {
  const resources = Array.isArray(doc.resources) ? (doc.resources as Record<string, unknown>[]) : [];
  const hiddenOf = (r: Record<string, unknown>) => secretParameters(
    Array.isArray(r?.sensitive_parameters) ? (r.sensitive_parameters as string[]) : undefined,
    Object.entries((r?.parameters as Record<string, unknown> | undefined) ?? {}),
  );
  if (!resources.some((r) => hiddenOf(r).size > 0)) return text;
  const raw = JSON as unknown as { rawJSON(t: string): unknown };
  const exact = JSON.parse(text, ((_k: string, v: unknown, ctx?: { source?: string }) =>
    (typeof v === 'number' && ctx?.source !== undefined ? raw.rawJSON(ctx.source) : v)) as (k: string, v: unknown) => unknown) as { resources: Record<string, unknown>[] };
  for (const r of exact.resources) {
    const hidden = hiddenOf(r);
    const params = r.parameters as Record<string, unknown> | undefined;
    if (params) for (const p of hidden) delete params[p];
  }
  return JSON.stringify(exact);
}
