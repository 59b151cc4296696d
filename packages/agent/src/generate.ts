// Recursive file resources with `puppet:///…` sources, as Puppet's agent applies them: before
// the run, the source is listed (`file_metadatas` with recurse) and every file, folder and link
// in it becomes a File resource of its own — its path under the parent's, the parent's
// parameters, its own source — so each is retrieved, compared, synced and reported alone.
// With `purge`, what the folder holds that the source lacks becomes `ensure => absent`.
// Resources the catalog declares itself win over generated ones.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RELATIONSHIP_PARAMETERS, refKey, type Catalog, type CatalogResource, type CatalogValue } from '@kasper/catalog';
import type { ListOptions, Metadata } from './fileserver.ts';
import { raise, type AgentError } from './messages.ts';

/** Lists a source recursively: undefined when the source does not exist. */
export type SourceLister = (source: string, options: ListOptions) => Promise<Metadata[] | undefined>;

/** Parameters a generated child never takes from its parent (as Puppet's file type). */
const NOT_INHERITED = new Set(['path', 'ensure', 'recurse', 'recurselimit', 'max_files', 'target', 'alias', 'source', 'content', 'purge', 'ignore', 'sourceselect',
  // Relationships are given to children below, as edges the parent's dependents also see.
  ...RELATIONSHIP_PARAMETERS]);

function isRecursive(v: CatalogValue | undefined): boolean {
  return v === true || v === 'true' || v === 'remote' || v === 'inf' || (typeof v === 'number' && v > 0);
}

function list(v: CatalogValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** An `ignore` pattern (a shell glob on names, as Puppet's) as a regular expression. */
function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const refOf = (r: CatalogResource) => refKey(r.type, r.title);

/** Local entries under `dir` (relative paths), down to `limit` levels; folders listed before what they hold. */
function localTree(dir: string, limit: number | undefined, prefix = '', depth = 1): { rel: string; dir: boolean }[] {
  let names: string[];
  try {
    names = readdirSync(join(dir, prefix)).sort();
  } catch {
    return [];
  }
  const out: { rel: string; dir: boolean }[] = [];
  for (const n of names) {
    const rel = prefix ? `${prefix}/${n}` : n;
    const isDir = lstatSync(join(dir, rel)).isDirectory();
    out.push({ rel, dir: isDir });
    if (isDir && (limit === undefined || depth < limit)) out.push(...localTree(dir, limit, rel, depth + 1));
  }
  return out;
}

/**
 * Adds the resources recursive `puppet:///…` sources imply to `catalog` (after their parent, in
 * catalog order). Returns the parents whose source could not be listed, with why: they fail,
 * and what depends on them is skipped.
 */
export async function expandRecursiveSources(catalog: Catalog, lister: SourceLister): Promise<Map<string, AgentError>> {
  const failures = new Map<string, AgentError>();
  const parents = catalog.resources.filter((r) => r.type === 'File' && isRecursive(r.parameters.get('recurse'))
    && list(r.parameters.get('source')).some((s) => s.startsWith('puppet://')) && r.parameters.get('ensure') !== 'absent');
  for (const parent of parents) {
    const p = parent.parameters;
    const base = String(p.get('path') ?? parent.title).replace(/\/+$/, '');
    const sources = list(p.get('source'));
    const limit = typeof p.get('recurselimit') === 'number' ? p.get('recurselimit') as number : undefined;
    const options: ListOptions = {
      recurselimit: limit,
      ignore: list(p.get('ignore')),
      links: p.get('links') === 'follow' ? 'follow' : 'manage',
    };
    // sourceselect first (Puppet's default): the first source that exists; all: every one, earlier ones winning.
    const all = p.get('sourceselect') === 'all';
    const entries = new Map<string, { meta: Metadata; source: string }>();
    let root: Metadata | undefined;
    try {
      for (const source of sources) {
        const listing = await lister(source, options);
        if (!listing) continue;
        for (const meta of listing) {
          const rel = meta.relative_path ?? '.';
          if (rel === '.') root ??= meta;
          else if (!entries.has(rel)) entries.set(rel, { meta, source: source.replace(/\/+$/, '') });
        }
        if (!all) break;
      }
    } catch (e) {
      failures.set(refOf(parent), raise('KSP-AGENT-016', { sources: sources.join(', '), reason: (e as Error).message }, undefined, e));
      continue;
    }
    if (!root) {
      failures.set(refOf(parent), raise('KSP-AGENT-017', { environment: catalog.environment, sources: sources.join(', ') }));
      continue;
    }
    // A single file as the source: the resource manages that file, nothing to generate.
    if (root.type !== 'directory') continue;
    if (p.get('ensure') === undefined) p.set('ensure', 'directory');

    const inherited = [...p].filter(([k]) => !NOT_INHERITED.has(k));
    const parentRef = refOf(parent);
    const containers = catalog.edges.filter((e) => e.target === parentRef).map((e) => e.source);
    const children: CatalogResource[] = [];
    const addChild = (rel: string, own: [string, CatalogValue][]) => {
      const path = `${base}/${rel}`;
      if (catalog.find('File', path)) return;
      const child: CatalogResource = {
        type: 'File', title: path, tags: parent.tags, file: parent.file, line: parent.line, exported: false, kind: parent.kind,
        parameters: new Map([...inherited, ...own]),
        sensitiveParameters: parent.sensitiveParameters,
      };
      // Children go where the parent goes, notify whom it notifies, and come before what comes after it.
      for (const k of ['before', 'notify'] as const) if (p.has(k)) child.parameters.set(k, p.get(k)!);
      catalog.add(child);
      children.push(child);
      for (const c of containers) catalog.addEdge(c, refOf(child));
    };
    for (const [rel, { meta, source }] of entries) {
      if (meta.type === 'directory') addChild(rel, [['ensure', 'directory']]);
      else if (meta.type === 'link' && meta.destination) addChild(rel, [['ensure', 'link'], ['target', meta.destination]]);
      else addChild(rel, [['ensure', 'file'], ['source', `${source}/${rel}`]]);
    }
    if (p.get('purge') === true || p.get('purge') === 'true') {
      const purged: string[] = [];
      const ignored = options.ignore!.map(globToRegExp);
      for (const { rel } of localTree(base, limit)) {
        if (entries.has(rel) || purged.some((d) => rel.startsWith(`${d}/`))) continue;
        if (rel.split('/').some((name) => ignored.some((g) => g.test(name)))) continue;
        purged.push(rel);
        addChild(rel, [['ensure', 'absent']]);
      }
    }
    // Who requires or subscribes to the parent waits for (and hears from) its children too.
    if (children.length > 0) {
      const childRefs = children.map(refOf);
      for (const r of catalog.resources) {
        for (const k of ['require', 'subscribe'] as const) {
          const v = r.parameters.get(k);
          if (v !== undefined && list(v).includes(parentRef)) r.parameters.set(k, [...list(v), ...childRefs]);
        }
      }
      // In catalog order right after the parent, so unrelated resources keep their order.
      catalog.resources.splice(catalog.resources.length - children.length, children.length);
      catalog.resources.splice(catalog.resources.indexOf(parent) + 1, 0, ...children);
    }
  }
  return failures;
}
