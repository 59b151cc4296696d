// The entities of PuppetDB's v4 query API over Kasper's tables: for each, where its rows come
// from, its fields (type, SQL, whether they can be queried and projected), how it relates to
// the others (implicit subqueries) and how a row knows its node (node_state).
import type { Dialect } from '@kasper/storage';
import { invalid, raise } from './errors.ts';
import { type Frag, JsonAt, type PathStep, raw, sql } from './sql.ts';

export interface Ctx {
  d: Dialect;
  /** The serving master's certname: the producer of what was stored without one. */
  producer: string | null;
  /** Nodes deactivated or expired after this time are `inactive`; before it they wait for purging. ISO 8601. */
  inactiveSince: string;
}

/**
 * string/timestamp/numeric/boolean: a plain column. array: a JSON array column. scalar: a JSON
 * value compared by its type (a fact value). path: a fact path. object: a JSON object with
 * dotted access (inventory facts, resource parameters). json: JSON answered as is, not
 * queryable. jsonstring: JSON text compared as written (an event's old and new values).
 */
export type FieldType = 'string' | 'timestamp' | 'numeric' | 'boolean' | 'array' | 'scalar' | 'path' | 'object' | 'json' | 'jsonstring';

export interface Dotted {
  /** The value at the path. */
  value: JsonAt;
  /** Wraps a condition on `value` (e.g. in an EXISTS over the facts of the row's node). */
  wrap(cond: Frag): Frag;
  /** The value at the path, for a projection (jsonb in PostgreSQL, JSON text in SQLite). */
  project(): Frag;
}

export interface FieldDef {
  type: FieldType;
  /** The value; for JSON types the jsonb column (PostgreSQL) or JSON text (SQLite). */
  sql(c: Ctx): Frag;
  queryable?: boolean;
  projectable?: boolean;
  /** In PostgreSQL the SQL gives JSON as text (a column kept as text), not json or jsonb. */
  textJson?: boolean;
  /** Dotted access into an `object` field. */
  dot?(c: Ctx, path: PathStep[]): Dotted;
}

export interface Relationship {
  local: string[];
  foreign: string[];
}

export interface Entity {
  name: string;
  /** FROM clause; `filters` are equality constraints of the top-level filter the entity may push down. */
  from(c: Ctx, filters: Map<string, unknown>): Frag;
  fields: Record<string, FieldDef>;
  relationships: Record<string, Relationship>;
  /** Restricts rows to nodes in a state, or undefined when the entity has no nodes (environments). */
  nodeState?(c: Ctx, state: 'active' | 'inactive'): Frag;
  /** A condition every row meets (inventory: nodes that have facts). */
  base?: Frag;
}

const f = (type: FieldType, expr: string | ((c: Ctx) => Frag), extra: Partial<FieldDef> = {}): FieldDef => ({
  type, sql: typeof expr === 'string' ? () => raw(expr) : expr, ...extra,
});

/** Rows whose `n` alias is their node. */
const byNodeAlias = (alias: string) => (c: Ctx, state: 'active' | 'inactive'): Frag => (state === 'active'
  ? raw(`(${alias}.deactivated IS NULL AND ${alias}.expired IS NULL)`)
  : sql`((${raw(alias)}.deactivated IS NOT NULL AND ${raw(alias)}.deactivated > ${c.inactiveSince}) OR (${raw(alias)}.expired IS NOT NULL AND ${raw(alias)}.expired > ${c.inactiveSince}))`);

/** Rows with a certname column but no node joined. */
const byCertname = (column: string) => (c: Ctx, state: 'active' | 'inactive'): Frag => (state === 'active'
  ? raw(`${column} IN (SELECT name FROM nodes WHERE deactivated IS NULL AND expired IS NULL)`)
  : sql`${raw(column)} IN (SELECT name FROM nodes WHERE (deactivated IS NOT NULL AND deactivated > ${c.inactiveSince}) OR (expired IS NOT NULL AND expired > ${c.inactiveSince}))`);

const CERTNAME_RELATED = ['factsets', 'reports', 'inventory', 'catalogs', 'nodes', 'facts', 'fact_contents', 'events', 'edges', 'resources'];
const certnameRelations = (): Record<string, Relationship> => Object.fromEntries(CERTNAME_RELATED.map((e) => [e, { local: ['certname'], foreign: ['certname'] }]));
const toEnvironments: Relationship = { local: ['environment'], foreign: ['name'] };

const bool = (expr: string) => f('boolean', expr);

/** A JSON object built in SQL: json_build_object or json_object, with values given as SQL. */
function object(d: Dialect, entries: [string, Frag][]): Frag {
  const fn = d === 'postgres' ? 'json_build_object' : 'json_object';
  return sql`${raw(fn)}(${entries.reduce<Frag>((acc, [k, v], i) => sql`${acc}${raw(i ? ', ' : '')}'${raw(k)}', ${v}`, raw(''))})`;
}

/** Embeds JSON text as JSON (SQLite's json(); a cast in PostgreSQL). */
const embed = (d: Dialect, expr: string) => raw(d === 'postgres' ? `CAST(${expr} AS json)` : `json(${expr})`);
const embedBool = (d: Dialect, expr: string) => raw(d === 'postgres' ? `(${expr} <> 0)` : `json(CASE WHEN ${expr} THEN 'true' ELSE 'false' END)`);

// ---------------------------------------------------------------------------------------------

const nodes: Entity = {
  name: 'nodes',
  // What the nodes show of their latest catalog and report is kept on their rows as those are
  // stored (storage: nodes.catalog_environment, nodes.latest_report_*): the nodes alone are read.
  from: () => raw('nodes n'),
  fields: {
    certname: f('string', 'n.name'),
    deactivated: f('string', 'n.deactivated'),
    expired: f('timestamp', 'n.expired'),
    catalog_timestamp: f('timestamp', 'n.catalog_at'),
    facts_timestamp: f('timestamp', 'n.facts_at'),
    report_timestamp: f('timestamp', 'n.latest_report_end_time'),
    catalog_environment: f('string', 'n.catalog_environment'),
    facts_environment: f('string', '(CASE WHEN n.facts_at IS NULL THEN NULL ELSE n.environment END)'),
    report_environment: f('string', 'n.latest_report_environment'),
    latest_report_status: f('string', 'n.latest_report_status'),
    latest_report_noop: bool('n.latest_report_noop'),
    latest_report_noop_pending: bool('n.latest_report_noop_pending'),
    latest_report_hash: f('string', 'n.latest_report_hash'),
    latest_report_job_id: f('string', 'n.latest_report_job_id'),
    // Only Puppet Enterprise's PuppetDB keeps corrective changes.
    latest_report_corrective_change: f('boolean', 'CAST(NULL AS INTEGER)'),
    cached_catalog_status: f('string', 'n.latest_report_cached_catalog_status'),
  },
  relationships: certnameRelations(),
  nodeState: byNodeAlias('n'),
};

const facts: Entity = {
  name: 'facts',
  from: (_c, filters) => {
    // The fact name is indexed: a query for one fact reads only its rows.
    const name = filters.get('name');
    return typeof name === 'string'
      ? sql`fact_values fv JOIN nodes n ON n.name = fv.node AND fv.name = ${name}`
      : raw('fact_values fv JOIN nodes n ON n.name = fv.node');
  },
  fields: {
    certname: f('string', 'fv.node'),
    environment: f('string', 'n.environment'),
    name: f('string', 'fv.name'),
    value: f('scalar', 'fv.value'),
  },
  relationships: { ...certnameRelations(), environments: toEnvironments, fact_contents: { local: ['certname', 'name'], foreign: ['certname', 'name'] } },
  nodeState: byNodeAlias('n'),
};

/** Every leaf of every fact, with its path from the fact's name (arrays by index). */
function factLeaves(c: Ctx, filters: Map<string, unknown>): Frag {
  const conds: Frag[] = [];
  const certname = filters.get('certname');
  if (typeof certname === 'string') conds.push(sql`fv.node = ${certname}`);
  const name = filters.get('name');
  if (typeof name === 'string') conds.push(sql`fv.name = ${name}`);
  const where = conds.length ? sql` WHERE ${conds.reduce((a, b) => sql`${a} AND ${b}`)}` : raw('');
  if (c.d === 'postgres') {
    return sql`(WITH RECURSIVE walk(node, name, path, value) AS (
        SELECT fv.node, fv.name, jsonb_build_array(fv.name), fv.value FROM fact_values fv${where}
        UNION ALL
        SELECT w.node, w.name, w.path || jsonb_build_array(k.key), k.value
          FROM walk w CROSS JOIN LATERAL (
            SELECT to_jsonb(e.key) AS key, e.value FROM jsonb_each(CASE WHEN jsonb_typeof(w.value) = 'object' THEN w.value ELSE '{}'::jsonb END) e
            UNION ALL
            SELECT to_jsonb(a.i - 1), a.v FROM jsonb_array_elements(CASE WHEN jsonb_typeof(w.value) = 'array' THEN w.value ELSE '[]'::jsonb END) WITH ORDINALITY AS a(v, i)
          ) k)
      SELECT node, name, path, value FROM walk WHERE jsonb_typeof(value) NOT IN ('object', 'array')) fc JOIN nodes n ON n.name = fc.node`;
  }
  return sql`(WITH RECURSIVE walk(node, name, path, value, type) AS (
      SELECT fv.node, fv.name, json_array(fv.name), fv.value, json_type(fv.value) FROM fact_values fv${where}
      UNION ALL
      SELECT w.node, w.name, json_insert(w.path, '$[#]', e.key), w.value -> e.fullkey, e.type
        FROM walk w, json_each(w.value) e WHERE w.type IN ('object', 'array'))
    SELECT node, name, path, value FROM walk WHERE type NOT IN ('object', 'array')) fc JOIN nodes n ON n.name = fc.node`;
}

const factContents: Entity = {
  name: 'fact_contents',
  from: factLeaves,
  fields: {
    certname: f('string', 'fc.node'),
    environment: f('string', 'n.environment'),
    name: f('string', 'fc.name'),
    path: f('path', 'fc.path'),
    value: f('scalar', 'fc.value'),
  },
  relationships: { ...certnameRelations(), facts: { local: ['certname', 'name'], foreign: ['certname', 'name'] }, environments: toEnvironments },
  nodeState: byNodeAlias('n'),
};

/**
 * A node's facts with its trusted data as the `trusted` fact, as PuppetDB's factsets hold them:
 * spliced into the stored text (compact JSON, as the store writes it), never parsed.
 */
const mergedFacts = (d: Dialect) => raw(`(CASE WHEN n.trusted IS NULL THEN n.facts WHEN n.facts = '{}' THEN '{"trusted":' || n.trusted || '}'
  ELSE ${d === 'postgres' ? 'left(n.facts, -1)' : 'substr(n.facts, 1, length(n.facts) - 1)'} || ',"trusted":' || n.trusted || '}' END)`);

/** `facts.x.y…` and `trusted.y…` go through the fact rows of the node: one indexed lookup, no document parsed. */
function factDot(name: string | undefined) {
  return (c: Ctx, path: PathStep[]): Dotted => {
    const [fact, ...rest] = name === undefined ? path : [name, ...path];
    if (typeof fact !== 'string') throw invalid('A dotted fact field starts with the fact name');
    const value = new JsonAt(c.d, raw('fv.value'), rest);
    return {
      value,
      wrap: (cond) => sql`EXISTS (SELECT 1 FROM fact_values fv WHERE fv.node = n.name AND fv.name = ${fact} AND ${cond})`,
      project: () => sql`(SELECT ${value.value()} FROM fact_values fv WHERE fv.node = n.name AND fv.name = ${fact})`,
    };
  };
}

const inventory: Entity = {
  name: 'inventory',
  from: () => raw('nodes n'),
  base: raw('n.facts IS NOT NULL'),
  fields: {
    certname: f('string', 'n.name'),
    timestamp: f('timestamp', 'n.facts_at'),
    environment: f('string', 'n.environment'),
    facts: f('object', (c) => mergedFacts(c.d), { dot: factDot(undefined), textJson: true }),
    trusted: f('object', 'n.trusted', { dot: factDot('trusted'), textJson: true }),
  },
  relationships: certnameRelations(),
  nodeState: byNodeAlias('n'),
};

const resources: Entity = {
  name: 'resources',
  from: () => raw('catalog_resources cr JOIN nodes n ON n.name = cr.node LEFT JOIN catalogs c ON c.id = n.latest_catalog_id'),
  fields: {
    certname: f('string', 'cr.node'),
    environment: f('string', 'c.environment'),
    resource: f('string', 'cr.resource'),
    type: f('string', 'cr.type'),
    title: f('string', 'cr.title'),
    tag: f('array', 'cr.tags', { projectable: false }),
    tags: f('array', 'cr.tags'),
    exported: f('boolean', 'cr.exported'),
    file: f('string', 'cr.file'),
    line: f('numeric', 'cr.line'),
    parameters: f('object', 'cr.parameters', {
      dot: (c, path) => {
        const value = new JsonAt(c.d, raw('cr.parameters'), path);
        return { value, wrap: (cond) => cond, project: () => value.value() };
      },
    }),
  },
  relationships: { catalogs: { local: ['certname'], foreign: ['certname'] }, nodes: { local: ['certname'], foreign: ['certname'] }, environments: toEnvironments },
  nodeState: byNodeAlias('n'),
};

const catalogs: Entity = {
  name: 'catalogs',
  from: () => raw('catalogs c JOIN nodes n ON n.latest_catalog_id = c.id'),
  fields: {
    certname: f('string', 'c.node'),
    version: f('string', 'c.version'),
    environment: f('string', 'c.environment'),
    transaction_uuid: f('string', 'c.transaction_uuid'),
    catalog_uuid: f('string', 'c.catalog_uuid'),
    code_id: f('string', 'c.code_id'),
    job_id: f('string', 'c.job_id'),
    hash: f('string', 'c.hash'),
    producer_timestamp: f('timestamp', 'c.producer_timestamp'),
    producer: f('string', (c) => sql`COALESCE(c.producer, ${c.producer})`),
    resources: f('json', (c) => {
      const agg = c.d === 'postgres' ? 'COALESCE(json_agg' : 'json_group_array';
      const data = object(c.d, [
        ['resource', raw('cr.resource')], ['type', raw('cr.type')], ['title', raw('cr.title')], ['tags', embed(c.d, 'cr.tags')],
        ['exported', embedBool(c.d, 'cr.exported')], ['file', raw('cr.file')], ['line', raw('cr.line')], ['parameters', embed(c.d, 'cr.parameters')],
      ]);
      const list = sql`${raw(agg)}(${data})${raw(c.d === 'postgres' ? ", '[]'::json)" : '')}`;
      return (sql`(SELECT ${object(c.d, [['href', raw("'/pdb/query/v4/catalogs/' || c.node || '/resources'")], ['data', list]])} FROM catalog_resources cr WHERE cr.node = c.node)`);
    }, { queryable: false }),
    edges: f('json', (c) => (object(c.d, [['href', raw("'/pdb/query/v4/catalogs/' || c.node || '/edges'")], ['data', embed(c.d, "COALESCE(c.edges, '[]')")]])),
      { queryable: false }),
  },
  relationships: { ...certnameRelations(), environments: toEnvironments, producers: { local: ['producer'], foreign: ['name'] } },
  nodeState: byNodeAlias('n'),
};

const reportJson = (c: Ctx, column: string, what: string) => (object(c.d, [
  ['href', raw(`'/pdb/query/v4/reports/' || r.hash || '/${what}'`)], ['data', embed(c.d, column)],
]));

const reports: Entity = {
  name: 'reports',
  from: () => raw('reports r'),
  fields: {
    hash: f('string', 'r.hash'),
    certname: f('string', 'r.node'),
    puppet_version: f('string', 'r.puppet_version'),
    report_format: f('numeric', 'r.report_format'),
    configuration_version: f('string', 'r.configuration_version'),
    start_time: f('timestamp', 'r.start_time'),
    end_time: f('timestamp', 'r.end_time'),
    producer_timestamp: f('timestamp', 'r.producer_timestamp'),
    producer: f('string', (c) => sql`COALESCE(r.producer, ${c.producer})`),
    receive_time: f('timestamp', 'r.receive_time'),
    transaction_uuid: f('string', 'r.transaction_uuid'),
    catalog_uuid: f('string', 'r.catalog_uuid'),
    noop: bool('r.noop'),
    noop_pending: bool('r.noop_pending'),
    code_id: f('string', 'r.code_id'),
    job_id: f('string', 'r.job_id'),
    cached_catalog_status: f('string', 'r.cached_catalog_status'),
    environment: f('string', 'r.environment'),
    status: f('string', 'r.status'),
    type: f('string', 'r.report_type'),
    corrective_change: f('string', 'CAST(NULL AS TEXT)'),
    metrics: f('json', (c) => reportJson(c, "COALESCE(r.metrics, '[]')", 'metrics'), { queryable: false }),
    logs: f('json', (c) => reportJson(c, "COALESCE(r.logs, '[]')", 'logs'), { queryable: false }),
    resource_events: f('json', (c) => {
      const data = object(c.d, [
        ['status', raw('e.status')], ['timestamp', raw('e.timestamp')], ['resource_type', raw('e.resource_type')], ['resource_title', raw('e.resource_title')],
        ['property', raw('e.property')], ['corrective_change', raw('NULL')], ['new_value', embed(c.d, 'e.new_value')], ['old_value', embed(c.d, 'e.old_value')],
        ['message', raw('e.message')], ['file', raw('e.file')], ['line', raw('e.line')], ['containment_path', embed(c.d, 'e.containment_path')],
        ['containing_class', raw('e.containing_class')], ['name', raw('e.name')],
      ]);
      // PuppetDB aggregates events with json_agg, which is null for a report without any.
      const list = c.d === 'postgres' ? sql`json_agg(${data})` : sql`(CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(${data}) END)`;
      return (sql`(SELECT ${object(c.d, [['href', raw("'/pdb/query/v4/reports/' || r.hash || '/events'")], ['data', list]])} FROM resource_events e WHERE e.report_id = r.id)`);
    }, { queryable: false }),
    'latest_report?': f('boolean', 'CAST(NULL AS INTEGER)', { projectable: false }),
  },
  relationships: {
    ...certnameRelations(), environments: toEnvironments, producers: { local: ['producer'], foreign: ['name'] }, events: { local: ['hash'], foreign: ['report'] },
  },
  nodeState: byCertname('r.node'),
};

const events: Entity = {
  name: 'events',
  from: () => raw('resource_events e JOIN reports r ON r.id = e.report_id'),
  fields: {
    certname: f('string', 'e.node'),
    configuration_version: f('string', 'r.configuration_version'),
    run_start_time: f('timestamp', 'r.start_time'),
    run_end_time: f('timestamp', 'r.end_time'),
    report_receive_time: f('timestamp', 'r.receive_time'),
    report: f('string', 'r.hash'),
    status: f('string', 'e.status'),
    corrective_change: f('boolean', 'CAST(NULL AS INTEGER)'),
    timestamp: f('timestamp', 'e.timestamp'),
    resource_type: f('string', 'e.resource_type'),
    resource_title: f('string', 'e.resource_title'),
    property: f('string', 'e.property'),
    new_value: f('jsonstring', 'e.new_value', { textJson: true }),
    old_value: f('jsonstring', 'e.old_value', { textJson: true }),
    message: f('string', 'e.message'),
    file: f('string', 'e.file'),
    line: f('numeric', 'e.line'),
    containment_path: f('array', 'e.containment_path'),
    containing_class: f('string', 'e.containing_class'),
    environment: f('string', 'r.environment'),
    name: f('string', 'e.name'),
    'latest_report?': f('boolean', 'CAST(NULL AS INTEGER)', { projectable: false }),
  },
  relationships: { ...certnameRelations(), reports: { local: ['report'], foreign: ['hash'] }, environments: toEnvironments },
  nodeState: byCertname('e.node'),
};

const environments: Entity = {
  name: 'environments',
  from: () => raw('environments env'),
  fields: { name: f('string', 'env.name') },
  relationships: Object.fromEntries(['inventory', 'factsets', 'catalogs', 'reports', 'facts', 'fact_contents', 'events', 'resources']
    .map((e) => [e, { local: ['name'], foreign: ['environment'] }])),
};

export const ENTITIES: Record<string, Entity> = {
  nodes, facts, fact_contents: factContents, inventory, resources, catalogs, reports, events, environments,
};

/** An entity by its name in a query (`fact_contents`) or its endpoint (`fact-contents`). */
export function entity(name: string): Entity {
  const e = ENTITIES[name.replace(/-/g, '_')];
  if (!e) throw raise('KSP-QUERY-007', { entity: name.replace(/-/g, '_') });
  return e;
}
