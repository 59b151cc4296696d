// Exported resources collected between nodes: a compile's `Type <<| query |>>` becomes one
// PuppetDB resources query (the query Puppet's PuppetDB terminus sends), turned into SQL for
// SQLite or PostgreSQL: the resources of that type exported by every other active node's latest
// catalog that the collector's query selects. Nothing is loaded and filtered here.
// It lives here, not in the master, because both the master (its compiles) and `kasper diff
// --stored-exports` (compiles outside any master, reading its storage) collect the same way.
// The shapes are @kasper/catalog's, the vocabulary the compiler asks in.
import { runRows } from './engine.ts';
import { parseDuration } from './request.ts';
import type { Storage } from '@kasper/storage';
import type { ExportedQuery, ExportedResource } from '@kasper/catalog';

export type { ExportedQuery, ExportedResource };

const DAY = 86_400_000;

/** A collector's query as a PuppetDB AST query on resources. */
export function pdbFilter(q: ExportedQuery): unknown[] {
  if (!('attribute' in q)) return [q.op, pdbFilter(q.left), pdbFilter(q.right)];
  const field = q.attribute === 'tag' || q.attribute === 'title' ? q.attribute : ['parameter', q.attribute];
  // Tags and titles are strings (`tag == 80` looks for the tag "80"), tags lowercase; parameters keep their type.
  const value = field === 'tag' ? String(q.value).toLowerCase() : field === 'title' ? String(q.value) : q.value;
  const eq = ['=', field, value];
  return q.op === '==' ? eq : ['not', eq];
}

/** The exported resources of `type` from every active node but `node`, that `query` selects. */
export async function exportedResources(
  storage: Storage, node: string, type: string, query: ExportedQuery | null, options: { nodePurgeTtl?: string | number } = {},
): Promise<ExportedResource[]> {
  const filter: unknown[] = ['and', ['=', 'type', type], ['=', 'exported', true], ['not', ['=', 'certname', node]], ['=', ['node', 'active'], true]];
  if (query) filter.push(pdbFilter(query));
  const rows = await runRows({ storage, nodePurgeTtl: parseDuration(options.nodePurgeTtl, 14 * DAY) }, {
    entity: 'resources',
    query: ['extract', ['certname', 'type', 'title', 'tags', 'file', 'line', 'parameters'], filter],
  }) as { certname: string; type: string; title: string; tags: string[]; file: string | null; line: number | null; parameters: Record<string, unknown> }[];
  return rows.map((r) => ({ node: r.certname, type: r.type, title: r.title, tags: r.tags, file: r.file, line: r.line, parameters: r.parameters ?? {} }));
}
