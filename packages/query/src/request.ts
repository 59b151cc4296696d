// What a query request carries, read as PuppetDB reads it: the `query` parameter (AST JSON, or
// PQL on the root endpoint), `order_by`, and the criteria routes add (`/nodes/web1/facts` is
// the facts query and `["=", "certname", "web1"]`; most endpoints see active nodes only unless
// the query asks about node_state itself).
import { invalid, QueryError, raise } from './errors.ts';
import { parsePql } from './pql.ts';

type Ast = unknown;
const isArray = Array.isArray as (v: unknown) => v is unknown[];

/** The `query` parameter: JSON (the AST language), or PQL where allowed (the root endpoint). */
export function parseQuery(text: string | undefined, allowPql: boolean): Ast {
  if (text === undefined || text === '') return null;
  if (/^\s*\[/.test(text) || !allowPql) {
    try {
      const ast = JSON.parse(text) as unknown;
      if (!isArray(ast)) throw invalid(`A query is a JSON array: ${text.slice(0, 200)}`);
      return ast;
    } catch (e) {
      if (e instanceof QueryError) throw e;
      throw invalid(`Malformed JSON for query: ${(e as Error).message}`);
    }
  }
  return parsePql(text);
}

/** `order_by`: `[{"field": "certname", "order": "desc"}, …]`. */
export function parseOrderBy(text: string | undefined): [string, 'asc' | 'desc'][] | undefined {
  if (text === undefined || text === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw invalid(`Illegal value '${text}' for :order_by; expected a JSON array of maps: ${(e as Error).message}`);
  }
  if (!isArray(v)) throw invalid(`Illegal value '${text}' for :order_by; expected an array of maps.`);
  return v.map((x) => {
    if (!x || typeof x !== 'object' || typeof (x as { field?: unknown }).field !== 'string') {
      throw invalid(`Illegal value '${JSON.stringify(x)}' in :order_by; missing required key 'field'.`);
    }
    const order = String((x as { order?: unknown }).order ?? 'asc').toLowerCase();
    if (order !== 'asc' && order !== 'desc') throw invalid(`Illegal value '${order}' in :order_by; 'order' must be either 'asc' or 'desc'`);
    return [(x as { field: string }).field, order];
  });
}

const isPaging = (x: Ast) => isArray(x) && ['limit', 'offset', 'order_by'].includes(x[0] as string);

/** Adds a criterion to a query, inside a top-level `extract` or `from` (PuppetDB's add-criteria). */
export function addCriteria(crit: Ast, query: Ast): Ast {
  if (query === null || query === undefined) return crit;
  if (!isArray(query)) return ['and', query, crit];
  const [op, a, b, ...rest] = query;
  if (op === 'extract') {
    if (b === undefined || b === null) return ['extract', a, crit];
    if (isArray(b) && b[0] === 'group_by') return ['extract', a, crit, b];
    if (rest.length) return ['extract', a, addCriteria(crit, b), ...rest];
    return ['extract', a, ['and', b, crit]];
  }
  if (op === 'from') {
    const tail = query.slice(2);
    if (!tail.length || isPaging(tail[0])) return ['from', a, crit, ...tail];
    return ['from', a, addCriteria(crit, tail[0]), ...tail.slice(1)];
  }
  return ['and', query, crit];
}

/** The query already says which nodes it wants (`node_state`, or the old `["node", "active"]`). */
export function hasNodeStateCriteria(query: Ast): boolean {
  let criteria = query;
  if (isArray(query) && query[0] === 'extract') criteria = query[2];
  const visit = (n: Ast): boolean => {
    if (!isArray(n)) return false;
    if (n[0] === '=' && (n[1] === 'node_state' || (isArray(n[1]) && n[1][0] === 'node' && n[1][1] === 'active'))) return true;
    return n.slice(1).some(visit);
  };
  return visit(criteria);
}

/** Active nodes only, unless the query says otherwise. */
export function restrictToActiveNodes(query: Ast): Ast {
  return hasNodeStateCriteria(isArray(query) && query[0] === 'from' ? query[2] : query) ? query : addCriteria(['=', 'node_state', 'active'], query);
}

const UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * PuppetDB's durations in milliseconds: `14d`, `12h`, `30m`, `45s`, `500ms`; a bare number is in
 * `unit` (seconds for the TTLs, minutes for gc_interval, as in PuppetDB); 0 is off.
 */
export function parseDuration(value: string | number | undefined, fallbackMs: number, unit: keyof typeof UNITS = 's'): number {
  if (value === undefined || value === '') return fallbackMs;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(String(value));
  if (!m) throw raise('KSP-QUERY-013', { value: JSON.stringify(value) });
  return Number(m[1]) * UNITS[(m[2] ?? unit) as keyof typeof UNITS];
}
