// puppetdb_query: a PuppetDB query (PQL text or the AST query language) answered at compile time,
// as the function of Puppet's PuppetDB terminus does: the answer is the array of hashes
// `/pdb/query/v4` gives for that query. On a Kasper master it is asked of the master's own store
// (the same queries its PuppetDB-compatible API runs); without a master (`kasper compile`,
// `kasper apply`) there is nothing to ask, and the call is an error, as it is for Puppet without
// a PuppetDB.
import { fromData } from '../facts.ts';
import { PSensitive, type Value } from '../values.ts';
import type { CallContext } from './context.ts';
import { fn, type BuiltinFunction } from './signature.ts';

/** Answers a PuppetDB query (PQL text or AST) with the parsed JSON of `/pdb/query/v4`'s answer. */
export type QueryPuppetDB = (query: string | unknown[]) => unknown[];

/** A Puppet value (Data, the function's parameter type) as JSON for the query. */
function json(v: Value): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), json(x)]));
  if (Array.isArray(v)) return v.map(json);
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PSensitive) return json(v.value);
  return v ?? null;
}

function puppetdbQuery(ctx: CallContext, [query]: Value[]): Value {
  return fromData(ctx.queryPuppetDB(typeof query === 'string' ? query : json(query) as unknown[]));
}

export const PUPPETDB_FUNCTIONS: BuiltinFunction[] = [
  fn('puppetdb_query', 'Variant[String[1], Array[Data, 1]] query', 'Array', puppetdbQuery),
];
