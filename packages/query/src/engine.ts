// Runs a compiled query on the store and writes the answer as PuppetDB's JSON: an array of
// objects, JSON columns spliced in as the database gave them (never parsed and re-encoded).
import type { Storage } from '@kasper/storage';
import { compile, type Column, type Paging, parseFrom, type QuerySpec } from './compile.ts';
import type { Ctx } from './entities.ts';
import { invalid, raise } from './errors.ts';
import { Frag, join, raw, sql } from './sql.ts';

export interface QueryContext {
  storage: Storage;
  /** The serving master's certname (the producer of documents stored without one). */
  producer?: string | null;
  /** Deactivated or expired nodes are `inactive` this long, then are purged (ms; default 14 days; 0: none is inactive, as in PuppetDB). */
  nodePurgeTtl?: number;
  now?: () => Date;
}

/**
 * An answer: the JSON array as text (`body`) or as its UTF-8 bytes (`bytes`, what the master
 * sends), whichever it was written as, the other made when asked for. A large answer is written
 * as bytes row by row, never as one string to encode again.
 */
export class Answer {
  private text?: string;
  private buffer?: Buffer;
  /** Rows the query would give without limit and offset (`include_total`). */
  total?: number;
  constructor(json: string | Buffer) {
    if (typeof json === 'string') this.text = json;
    else this.buffer = json;
  }
  get body(): string {
    return (this.text ??= this.buffer!.toString('utf8'));
  }
  get bytes(): Buffer {
    return (this.buffer ??= Buffer.from(this.text!, 'utf8'));
  }
}

const DAY = 86_400_000;

export function ctxFor(qc: QueryContext): Ctx {
  const now = (qc.now ?? (() => new Date()))();
  const ttl = qc.nodePurgeTtl ?? 14 * DAY;
  return { d: qc.storage.dialect, producer: qc.producer ?? null, inactiveSince: new Date(now.getTime() - ttl).toISOString() };
}

/** A string as JSON: most need no escaping, and skip JSON.stringify. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;
const quote = (s: string) => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);

const WRITERS: Record<Column['kind'], (v: unknown) => string> = {
  string: (v) => (v === null || v === undefined ? 'null' : quote(typeof v === 'string' ? v : String(v))),
  number: (v) => {
    if (v === null || v === undefined) return 'null';
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? String(n) : 'null';
  },
  boolean: (v) => (v === null || v === undefined ? 'null' : v === 0 || v === false || v === '0' || v === 'f' ? 'false' : 'true'),
  json: (v) => (v === null || v === undefined ? 'null' : typeof v === 'string' ? v : JSON.stringify(v)),
};

/**
 * A JSON array of objects written from rows given as arrays (a column's value at its index),
 * the columns in order, as UTF-8 into a buffer a row at a time: no string of the whole answer,
 * no object per row, and each row's values garbage as soon as it is written.
 */
export class JsonRows {
  private readonly keys: string[];
  private readonly writers: ((v: unknown) => string)[];
  private out: Buffer;
  private at = 0;
  private rows = 0;
  constructor(columns: readonly { name: string; kind: Column['kind'] }[], sizeHint = 64 * 1024) {
    this.keys = columns.map((c, i) => `${i ? ',' : '{'}${JSON.stringify(c.name)}:`);
    if (!this.keys.length) this.keys.push('{');
    const write = columns.map((c) => WRITERS[c.kind]);
    this.writers = write.length ? write : [() => ''];
    this.out = Buffer.allocUnsafe(Math.max(256, sizeHint));
    this.out[this.at++] = 0x5b; // [
  }

  /** Appends one row. */
  add(row: readonly unknown[]): void {
    const { keys, writers } = this;
    let s = this.rows++ ? ',' : '';
    for (let i = 0; i < keys.length; i++) s += keys[i] + writers[i](row[i]);
    s += '}';
    // A UTF-16 code unit is at most 3 bytes of UTF-8; the closing `]` needs one more.
    const most = s.length * 3 + 1;
    if (this.at + most > this.out.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.at + most));
      this.out.copy(grown, 0, 0, this.at);
      this.out = grown;
    }
    this.at += this.out.write(s, this.at);
  }

  /** The answer: the bytes written, closed. */
  finish(): Buffer {
    this.out[this.at++] = 0x5d; // ]
    return this.out.subarray(0, this.at);
  }
}

const READERS: Record<Column['kind'], (v: unknown) => unknown> = {
  string: (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v)),
  number: (v) => {
    if (v === null || v === undefined) return null;
    const n = typeof v === 'number' ? v : Number(v);
    return Number.isFinite(n) ? n : null;
  },
  boolean: (v) => (v === null || v === undefined ? null : !(v === 0 || v === false || v === '0' || v === 'f')),
  json: (v) => (v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : v),
};

/**
 * Runs a query on an entity for a caller in this process: the answer's objects, the same as
 * JSON.parse(runQuery(…).body) gives, without writing the JSON text and reading it back
 * (PostgreSQL's driver has parsed the jsonb columns already).
 */
export async function runRows(qc: QueryContext, spec: QuerySpec): Promise<Record<string, unknown>[]> {
  const compiled = compile(ctxFor(qc), spec);
  if (compiled.json) return JSON.parse(String((await select(qc.storage, compiled.json.sql, compiled.json.params))[0]?.body ?? '[]')) as Record<string, unknown>[];
  const rows = await select(qc.storage, compiled.sql, compiled.params);
  const names = compiled.columns.map((c) => c.name);
  const readers = compiled.columns.map((c) => READERS[c.kind]);
  return rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) o[names[i]] = readers[i](row[`c${i}`]);
    return o;
  });
}

/** Runs a query on an entity. */
export async function runQuery(qc: QueryContext, spec: QuerySpec, options: { includeTotal?: boolean } = {}): Promise<Answer> {
  const c = ctxFor(qc);
  const compiled = compile(c, spec);
  const answer = compiled.json
    ? new Answer(String((await select(qc.storage, compiled.json.sql, compiled.json.params))[0]?.body ?? '[]'))
    : new Answer(await jsonRows(qc.storage, compiled.sql, compiled.params, compiled.columns));
  if (options.includeTotal) answer.total = Number((await select(qc.storage, compiled.count.sql, compiled.count.params))[0]?.n ?? 0);
  return answer;
}

/** The database's refusals of a query (a bad regular expression…) are the client's errors. */
async function select(storage: Storage, text: string, params: unknown[]): Promise<Record<string, unknown>[]> {
  try {
    return await storage.select(text, params);
  } catch (e) {
    throw refusal(e);
  }
}

/** The answer of a statement as JSON, written as its rows arrive. */
async function jsonRows(storage: Storage, text: string, params: unknown[], columns: Column[]): Promise<Buffer> {
  const out = new JsonRows(columns);
  try {
    await storage.selectEach(text, params, (row) => out.add(row));
  } catch (e) {
    throw refusal(e);
  }
  return out.finish();
}

function refusal(e: unknown): unknown {
  const m = (e as Error).message;
  if (/regular expression|invalid regexp|syntax error in regexp|\bregex/i.test(m)) return raise('KSP-QUERY-009', { reason: m });
  if (/invalid input syntax|out of range|cannot cast|division by zero|datetime format|invalid value for/i.test(m)) return invalid(m);
  return e;
}

/** A root query (`["from", entity, …]`): its entity, filter and paging. */
export function rootSpec(ast: unknown): QuerySpec & { paging: Paging } {
  if (!Array.isArray(ast) || ast[0] !== 'from') {
    throw invalid('Your initial query must be of the form: ["from",<entity>,(<optional-query>)]. Check your query and try again.');
  }
  const { entity, query, paging } = parseFrom(ast);
  return { entity, query, paging };
}

// ---------------------------------------------------------------------------------------------
// Event counts

export interface EventCountOptions {
  summarizeBy: string;
  countBy?: string;
  countsFilter?: unknown;
  paging?: Paging;
}

const GROUPS: Record<string, string[]> = { certname: ['certname'], containing_class: ['containing_class'], resource: ['resource_type', 'resource_title'] };
const COUNTS = ['failures', 'skips', 'successes', 'noops'];

/** `counts_filter`: comparisons on the counts, with and/or/not. */
function countsFilter(node: unknown): Frag {
  if (!Array.isArray(node) || !node.length) throw invalid(`Invalid counts_filter: ${JSON.stringify(node)}`);
  const [op, ...args] = node;
  if (op === 'and' || op === 'or') return sql`(${join(args.map(countsFilter), op === 'and' ? ' AND ' : ' OR ')})`;
  if (op === 'not' && args.length === 1) return sql`(NOT ${countsFilter(args[0])})`;
  if (['=', '<', '>', '<=', '>='].includes(op as string) && args.length === 2 && COUNTS.includes(args[0] as string) && typeof args[1] === 'number') {
    return sql`(${raw(args[0] as string)} ${raw(op as string)} ${args[1]})`;
  }
  throw invalid(`Invalid counts_filter clause: ${JSON.stringify(node)}`);
}

/** PuppetDB's event-counts: events summarized by node, resource or class, counted by resource or node. */
export async function eventCounts(qc: QueryContext, query: unknown, options: EventCountOptions): Promise<Answer> {
  const group = GROUPS[options.summarizeBy];
  if (!group) throw invalid(`Unsupported value for 'summarize_by': '${options.summarizeBy}'`);
  const countBy = options.countBy ?? 'resource';
  if (countBy !== 'resource' && countBy !== 'certname') throw invalid(`Unsupported value for 'count_by': '${countBy}'`);
  const c = ctxFor(qc);
  const fields = ['certname', 'status', 'resource_type', 'resource_title', 'containing_class'];
  const events = compile(c, { entity: 'events', query: query === null || query === undefined ? ['extract', fields] : ['extract', fields, query] });
  const cols = fields.map((f, i) => `c${i} AS ${f}`).join(', ');
  let source = sql`SELECT ${raw(cols)} FROM (${new Frag(events.sql, events.params)}) ev`;
  if (countBy === 'certname') source = sql`SELECT DISTINCT certname, status${raw(group[0] === 'certname' ? '' : `, ${group.join(', ')}`)} FROM (${source}) de`;
  const counted = sql`SELECT ${raw(group.join(', '))},
      CAST(SUM(CASE WHEN status = 'failure' THEN 1 ELSE 0 END) AS INTEGER) AS failures,
      CAST(SUM(CASE WHEN status = 'skipped' THEN 1 ELSE 0 END) AS INTEGER) AS skips,
      CAST(SUM(CASE WHEN status = 'success' THEN 1 ELSE 0 END) AS INTEGER) AS successes,
      CAST(SUM(CASE WHEN status = 'noop' THEN 1 ELSE 0 END) AS INTEGER) AS noops
    FROM (${source}) s GROUP BY ${raw(group.join(', '))}`;
  let statement = sql`SELECT * FROM (${counted}) counts WHERE ${options.countsFilter === undefined || options.countsFilter === null ? raw('1 = 1') : countsFilter(options.countsFilter)}`;
  const paging = options.paging ?? {};
  const orderable = [...COUNTS, ...group];
  if (paging.orderBy?.length) {
    statement = sql`${statement} ORDER BY ${join(paging.orderBy.map(([f, dir]) => {
      if (!orderable.includes(f)) throw invalid(`Unrecognized column '${f}' specified in :order_by; Supported columns are ${orderable.map((x) => `'${x}'`).join(', ')}`);
      return raw(`${f} ${dir === 'desc' ? 'DESC NULLS FIRST' : 'ASC NULLS LAST'}`);
    }), ', ')}`;
  }
  if (paging.limit !== undefined) statement = sql`${statement} LIMIT ${raw(String(paging.limit))}`;
  if (paging.offset !== undefined) statement = sql`${statement}${raw(paging.limit === undefined && c.d === 'sqlite' ? ' LIMIT -1' : '')} OFFSET ${raw(String(paging.offset))}`;
  const rows = await select(qc.storage, statement.text, [...statement.params]);
  const out = rows.map((r) => {
    const subject = options.summarizeBy === 'resource' ? { type: r.resource_type, title: r.resource_title } : { title: r[group[0]] };
    return JSON.stringify({ subject_type: options.summarizeBy, subject, failures: Number(r.failures), successes: Number(r.successes), noops: Number(r.noops), skips: Number(r.skips) });
  });
  return new Answer(`[${out.join(',')}]`);
}

/** PuppetDB's fact-names: every top-level fact name, sorted, as an array of strings. */
export async function factNames(qc: QueryContext, paging: Paging = {}): Promise<Answer> {
  let statement = sql`SELECT DISTINCT name FROM fact_values ORDER BY name`;
  if (paging.limit !== undefined) statement = sql`${statement} LIMIT ${raw(String(paging.limit))}`;
  if (paging.offset !== undefined) statement = sql`${statement}${raw(paging.limit === undefined && qc.storage.dialect === 'sqlite' ? ' LIMIT -1' : '')} OFFSET ${raw(String(paging.offset))}`;
  const rows = await select(qc.storage, statement.text, [...statement.params]);
  return new Answer(JSON.stringify(rows.map((r) => String(r.name))));
}

