// A query to `/pdb/query/v4` itself (PQL, or the AST with `from`), as PuppetDB answers it: the
// entity and its paging from the query, active nodes only unless the query asks about node
// state (environments have none). Used by the master's API route and by puppetdb_query in compiles.
import type { Paging } from './compile.ts';
import { rootSpec, runQuery, type Answer, type QueryContext } from './engine.ts';
import { parseQuery, restrictToActiveNodes } from './request.ts';
import { raise } from './errors.ts';

/** Paging from the query itself wins over the request's (`limit` in PQL over `?limit=`). */
const merged = (request: Paging, query: Paging): Paging => ({
  limit: query.limit ?? request.limit, offset: query.offset ?? request.offset, orderBy: query.orderBy ?? request.orderBy,
});

export async function runRootQuery(qc: QueryContext, query: string | unknown, options: { paging?: Paging; includeTotal?: boolean } = {}): Promise<Answer> {
  let q = typeof query === 'string' ? parseQuery(query, true) : query;
  if (q === null || q === undefined) throw raise('KSP-QUERY-010', { name: 'query' });
  if (rootSpec(q).entity !== 'environments') q = restrictToActiveNodes(q);
  const spec = rootSpec(q);
  return runQuery(qc, { entity: spec.entity, query: spec.query, paging: merged(options.paging ?? {}, spec.paging) }, { includeTotal: options.includeTotal });
}
