// PuppetDB's query API, served by the master from its own storage: `/pdb/query/v4` (PQL or the
// AST query language) and its entity endpoints (nodes, facts, fact-contents, inventory,
// resources, catalogs, reports, events, event-counts, environments) with PuppetDB's paging, and
// `/pdb/meta/v1/version`. Read-only, and only for certificates the operator allowed: the
// master's own and those named in `query_allow`. The queries run as SQL in the store
// (@kasper/query). Garbage collection of reports and nodes runs here too, in batches between
// requests.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  addCriteria, eventCounts, factNames, parseDuration, parseOrderBy, parseQuery, raise, restrictToActiveNodes, rootSpec, runQuery, runRootQuery,
  type Paging, type QueryContext,
} from '@kasper/query';
import type { MasterContext } from '../context.ts';
import { CERTNAME, ENVIRONMENT, ERROR_RESPONSES } from '../names.ts';
import { requireCertificate } from './authenticated.ts';

/** The PuppetDB whose query API this is. */
const PUPPETDB_VERSION = '7.12.1';
const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Schemas

const TEXT = { type: 'string', maxLength: 1_048_576 } as const;
const BOOL = { type: 'boolean' } as const;
const COUNT = { type: 'integer', minimum: 0 } as const;
const QUERY_PARAMS = {
  query: TEXT, limit: COUNT, offset: COUNT, order_by: TEXT, include_total: BOOL, pretty: BOOL, origin: { type: 'string', maxLength: 1024 },
  ast_only: BOOL, explain: { type: 'string', maxLength: 64 }, optimize_drop_unused_joins: BOOL, include_facts_expiration: BOOL,
  include_package_inventory: BOOL, summarize_by: { type: 'string', maxLength: 64 }, count_by: { type: 'string', maxLength: 64 },
  counts_filter: TEXT, distinct_resources: BOOL, distinct_start_time: { type: 'string', maxLength: 64 }, distinct_end_time: { type: 'string', maxLength: 64 },
} as const;
const QUERYSTRING = { type: 'object', properties: QUERY_PARAMS, additionalProperties: false } as const;
/** A POST carries the same parameters as JSON; its `query` is the AST itself or its text. */
const BODY = {
  type: ['object', 'null'],
  properties: { ...QUERY_PARAMS, query: { anyOf: [TEXT, { type: 'array' }] }, counts_filter: { anyOf: [TEXT, { type: 'array' }] } },
  additionalProperties: false,
} as const;
/** PuppetDB answers a missing node, catalog or environment with `{"error": …}`; Kasper's error body too. */
const NOT_FOUND = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, issue_kind: { type: 'string' }, code: { type: 'string' } },
  required: ['message', 'code'],
} as const;
const SINGLE = { 200: { type: 'object', additionalProperties: true }, 404: NOT_FOUND, ...ERROR_RESPONSES } as const;
const ANSWER = { 200: { type: 'array', items: { type: 'object', additionalProperties: true } }, 404: NOT_FOUND, ...ERROR_RESPONSES } as const;

/** Names in paths: no NUL or control characters, bounded. */
const FREE = { type: 'string', minLength: 1, maxLength: 1024, pattern: '^[^\\u0000-\\u001f]*$' } as const;
const PARAMS = {
  certname: CERTNAME,
  environment: ENVIRONMENT,
  fact: FREE,
  value: FREE,
  type: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9_]+(::[A-Za-z0-9_]+)*$' },
  title: FREE,
  hash: { type: 'string', pattern: '^[0-9a-f]{40}$' },
} as const;
const paramsSchema = (url: string) => {
  const names = [...url.matchAll(/:(\w+)/g)].map((m) => m[1] as keyof typeof PARAMS);
  return { type: 'object', properties: Object.fromEntries(names.map((n) => [n, PARAMS[n]])), required: names, additionalProperties: false };
};

type Params = Partial<Record<keyof typeof PARAMS, string>>;
interface Input {
  query?: string | unknown[];
  limit?: number;
  offset?: number;
  order_by?: string;
  include_total?: boolean;
  ast_only?: boolean;
  explain?: string;
  summarize_by?: string;
  count_by?: string;
  counts_filter?: string | unknown[];
  distinct_resources?: boolean;
}

/** The request's parameters, from the query string (GET) or the JSON body (POST). */
function input(req: FastifyRequest): Input {
  return ((req.method === 'POST' ? req.body : req.query) ?? {}) as Input;
}

function ast(i: Input, allowPql: boolean): unknown {
  return Array.isArray(i.query) ? i.query : parseQuery(i.query, allowPql);
}

function paging(i: Input): Paging {
  return { limit: i.limit, offset: i.offset, orderBy: parseOrderBy(i.order_by) };
}

// ---------------------------------------------------------------------------------------------

interface Endpoint {
  entity: string;
  /** Criteria the route's path adds (`/nodes/:certname/facts` → certname). */
  criteria?: (p: Params) => unknown[][];
  /** Active nodes only unless the query says otherwise. */
  active?: boolean;
  /** A parent that must exist (404 otherwise). */
  parent?: (p: Params) => { entity: string; query: unknown[]; what: string };
}

export async function pdbPlugin(app: FastifyInstance, ctx: MasterContext): Promise<void> {
  const { config, storage } = ctx;
  requireCertificate(app, ctx);
  // Who may read everything the fleet reported: the master itself and the allow-list.
  const allowed = new Set([config.certname, ...(config.queryAllow ?? [])]);
  app.addHook('onRequest', async (req) => {
    if (req.identity && !allowed.has(req.identity.certname)) {
      ctx.metrics.refused++;
      throw raise('KSP-QUERY-012', { certname: req.identity.certname });
    }
  });

  const qc: QueryContext = {
    storage, producer: config.certname, nodePurgeTtl: parseDuration(config.nodePurgeTtl, 14 * DAY),
  };

  const notFound = (reply: FastifyReply, e: { message: string; code: string }) =>
    reply.code(404).send({ error: e.message, message: e.message, issue_kind: 'NOT_FOUND', code: e.code });

  /** The answer as it was written (large ones as bytes, sent as they are). */
  const send = (reply: FastifyReply, body: string | Buffer, total?: number) => {
    if (total !== undefined) reply.header('x-records', String(total));
    return reply.type('application/json; charset=utf-8').send(body);
  };

  const parentExists = async (parent: { entity: string; query: unknown[] }) =>
    (await runQuery(qc, { entity: parent.entity, query: ['extract', [['function', 'count']], parent.query] })).body !== '[{"count":0}]';

  /** An entity endpoint: its path criteria, the active-node restriction, paging, include_total. */
  const query = (e: Endpoint) => async (req: FastifyRequest, reply: FastifyReply) => {
    const i = input(req);
    refuseUnsupported(i);
    const p = req.params as Params;
    if (e.parent) {
      const parent = e.parent(p);
      if (!(await parentExists(parent))) return notFound(reply, raise('KSP-QUERY-014', { what: parent.what }));
    }
    let q = ast(i, false);
    for (const c of e.criteria?.(p) ?? []) q = addCriteria(c, q);
    if (e.active) q = restrictToActiveNodes(q);
    if (e.entity === 'event_counts') {
      if (!i.summarize_by) throw raise('KSP-QUERY-010', { name: 'summarize_by' });
      const countsFilter = typeof i.counts_filter === 'string' ? parseQuery(i.counts_filter, false) : i.counts_filter;
      const a = await eventCounts(qc, q, { summarizeBy: i.summarize_by, countBy: i.count_by, countsFilter, paging: paging(i) });
      return send(reply, a.bytes);
    }
    const a = await runQuery(qc, { entity: e.entity, query: q, paging: paging(i) }, { includeTotal: i.include_total });
    return send(reply, a.bytes, a.total);
  };

  /** One object or 404 (`/nodes/:certname`, `/catalogs/:certname`, `/environments/:environment`). */
  const single = (entity: string, q: (p: Params) => unknown[], missing: (p: Params) => { message: string; code: string }) => async (req: FastifyRequest, reply: FastifyReply) => {
    refuseUnsupported(input(req));
    const p = req.params as Params;
    const rows = JSON.parse((await runQuery(qc, { entity, query: q(p) })).body) as unknown[];
    if (!rows.length) return notFound(reply, missing(p));
    return reply.send(rows[0]);
  };

  const route = (url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>, response: object = ANSWER) => {
    const params = url.includes(':') ? paramsSchema(url) : undefined;
    app.get(url, { schema: { ...(params ? { params } : {}), querystring: QUERYSTRING, response } }, handler);
    app.post(url, { schema: { ...(params ? { params } : {}), body: BODY, response } }, handler);
  };

  const V4 = '/pdb/query/v4';
  const certname = (p: Params) => [['=', 'certname', p.certname]];
  const nodeParent = (p: Params) => ({ entity: 'nodes', query: ['=', 'certname', p.certname!], what: `node ${p.certname}` });
  const envParent = (p: Params) => ({ entity: 'environments', query: ['=', 'name', p.environment!], what: `environment ${p.environment}` });
  const reportParent = (p: Params) => ({ entity: 'reports', query: ['=', 'hash', p.hash!], what: `report ${p.hash}` });

  // The root: PQL or AST with `from`; active nodes only unless asked (environments have none).
  route(V4, async (req, reply) => {
    const i = input(req);
    refuseUnsupported(i);
    if (i.query === undefined || i.query === '') throw raise('KSP-QUERY-010', { name: 'query' });
    const q = ast(i, true);
    if (i.ast_only) {
      rootSpec(q); // a query that does not compile is refused here too
      return send(reply, JSON.stringify(q));
    }
    const a = await runRootQuery(qc, q, { paging: paging(i), includeTotal: i.include_total });
    return send(reply, a.bytes, a.total);
  });

  route(`${V4}/nodes`, query({ entity: 'nodes', active: true }));
  route(`${V4}/nodes/:certname`, single('nodes', (p) => ['=', 'certname', p.certname], (p) => raise('KSP-QUERY-014', { what: `node ${p.certname}` })), SINGLE);
  route(`${V4}/nodes/:certname/facts`, query({ entity: 'facts', active: true, criteria: certname, parent: nodeParent }));
  route(`${V4}/nodes/:certname/facts/:fact`, query({ entity: 'facts', active: true, criteria: (p) => [['=', 'certname', p.certname], ['=', 'name', p.fact]], parent: nodeParent }));
  route(`${V4}/nodes/:certname/facts/:fact/:value`, query({
    entity: 'facts', active: true, criteria: (p) => [['=', 'certname', p.certname], ['=', 'name', p.fact], ['=', 'value', p.value]], parent: nodeParent,
  }));
  route(`${V4}/nodes/:certname/resources`, query({ entity: 'resources', active: true, criteria: certname, parent: nodeParent }));
  route(`${V4}/nodes/:certname/resources/:type`, query({ entity: 'resources', active: true, criteria: (p) => [['=', 'certname', p.certname], ['=', 'type', p.type]], parent: nodeParent }));
  route(`${V4}/nodes/:certname/resources/:type/:title`, query({
    entity: 'resources', active: true, criteria: (p) => [['=', 'certname', p.certname], ['=', 'type', p.type], ['=', 'title', p.title]], parent: nodeParent,
  }));

  route(`${V4}/facts`, query({ entity: 'facts', active: true }));
  route(`${V4}/facts/:fact`, query({ entity: 'facts', active: true, criteria: (p) => [['=', 'name', p.fact]] }));
  route(`${V4}/facts/:fact/:value`, query({ entity: 'facts', active: true, criteria: (p) => [['=', 'name', p.fact], ['=', 'value', p.value]] }));
  route(`${V4}/fact-contents`, query({ entity: 'fact_contents', active: true }));
  route(`${V4}/fact-names`, async (req, reply) => {
    const i = input(req);
    refuseUnsupported(i);
    return send(reply, (await factNames(qc, { limit: i.limit, offset: i.offset })).bytes);
  }, { 200: { type: 'array', items: { type: 'string' } }, ...ERROR_RESPONSES });
  route(`${V4}/inventory`, query({ entity: 'inventory', active: true }));

  route(`${V4}/resources`, query({ entity: 'resources', active: true }));
  route(`${V4}/resources/:type`, query({ entity: 'resources', active: true, criteria: (p) => [['=', 'type', p.type]] }));
  route(`${V4}/resources/:type/:title`, query({ entity: 'resources', active: true, criteria: (p) => [['=', 'type', p.type], ['=', 'title', p.title]] }));

  route(`${V4}/catalogs`, query({ entity: 'catalogs' }));
  route(`${V4}/catalogs/:certname`, single('catalogs', (p) => ['=', 'certname', p.certname], (p) => raise('KSP-QUERY-015', { certname: p.certname })), SINGLE);
  route(`${V4}/catalogs/:certname/resources`, query({ entity: 'resources', criteria: certname, parent: (p) => ({ entity: 'catalogs', query: ['=', 'certname', p.certname!], what: `catalog ${p.certname}` }) }));

  route(`${V4}/reports`, query({ entity: 'reports' }));
  route(`${V4}/reports/:hash/events`, query({ entity: 'events', criteria: (p) => [['=', 'report', p.hash]], parent: reportParent }));
  for (const what of ['metrics', 'logs'] as const) {
    route(`${V4}/reports/:hash/${what}`, async (req, reply) => {
      const p = req.params as Params;
      const rows = JSON.parse((await runQuery(qc, { entity: 'reports', query: ['extract', [what], ['=', 'hash', p.hash]] })).body) as Record<string, { data: unknown }>[];
      if (!rows.length) return notFound(reply, raise('KSP-QUERY-014', { what: `report ${p.hash}` }));
      return reply.send(rows[0][what].data);
    }, { 200: { type: 'array', items: { type: 'object', additionalProperties: true } }, 404: NOT_FOUND, ...ERROR_RESPONSES });
  }
  route(`${V4}/events`, query({ entity: 'events' }));
  route(`${V4}/event-counts`, query({ entity: 'event_counts' }));

  route(`${V4}/environments`, query({ entity: 'environments' }));
  route(`${V4}/environments/:environment`, single('environments', (p) => ['=', 'name', p.environment], (p) => raise('KSP-QUERY-014', { what: `environment ${p.environment}` })), SINGLE);
  for (const [sub, entity, active] of [['facts', 'facts', true], ['resources', 'resources', true], ['reports', 'reports', false], ['events', 'events', false]] as const) {
    route(`${V4}/environments/:environment/${sub}`, query({ entity, active, criteria: (p) => [['=', 'environment', p.environment]], parent: envParent }));
  }

  app.get('/pdb/meta/v1/version', { schema: { response: { 200: { type: 'object', properties: { version: { type: 'string' } } }, ...ERROR_RESPONSES } } },
    async (_req, reply) => reply.send({ version: PUPPETDB_VERSION }));
  app.get('/pdb/meta/v1/server-time', { schema: { response: { 200: { type: 'object', properties: { server_time: { type: 'string' } } }, ...ERROR_RESPONSES } } },
    async (_req, reply) => reply.send({ server_time: new Date().toISOString() }));

  startGc(app, ctx);
}

function refuseUnsupported(i: Input): void {
  if (i.explain) throw raise('KSP-QUERY-011', { what: 'explain' });
  if (i.distinct_resources) throw raise('KSP-QUERY-011', { what: 'distinct_resources' });
}

/**
 * Garbage collection: reports older than `report_ttl`, nodes silent for `node_ttl` expired,
 * deactivated and expired nodes purged after `node_purge_ttl`; at start and every
 * `gc_interval`. The store deletes in batches and yields between them, so requests are served
 * while it runs; one run at a time.
 */
function startGc(app: FastifyInstance, ctx: MasterContext): void {
  const { config, storage } = ctx;
  const retention = {
    reportTtl: parseDuration(config.reportTtl, 14 * DAY),
    nodeTtl: parseDuration(config.nodeTtl, 7 * DAY),
    nodePurgeTtl: parseDuration(config.nodePurgeTtl, 14 * DAY),
  };
  const interval = parseDuration(config.gcInterval, 60 * 60_000, 'm');
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const run = () => {
    if (running || closed) return;
    const started = Date.now();
    running = storage.gc(retention)
      .then((r) => app.log.info({ ...r, ms: Date.now() - started }, 'garbage collection'))
      .catch((err: unknown) => app.log.error({ err }, 'garbage collection failed'))
      .finally(() => {
        running = undefined;
      });
  };
  app.addHook('onReady', async () => {
    if (!interval || !(retention.reportTtl || retention.nodeTtl || retention.nodePurgeTtl)) return;
    timer = setTimeout(function tick() {
      run();
      timer = setTimeout(tick, interval);
      timer.unref();
    }, Math.min(5_000, interval));
    timer.unref();
  });
  app.addHook('onClose', async () => {
    closed = true;
    clearTimeout(timer);
    await running;
  });
}
