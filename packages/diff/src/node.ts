// One node's diff: compile under both versions (a failure is kept as data), then compare.
import type { Catalog } from '@kasper/catalog';
import { classificationFromYaml, CompileError, compileCatalog, type CollectExported, type QueryPuppetDB, factsFromData, loadFactsFile, parseJsonData, type EnvironmentConfig, type Value } from '@kasper/compiler';
import { Comparer, type DiffOptions, type SourceReader } from './compare.ts';
import { emptyChangeSet, isEmpty, type CompileFailure, type NodeResult } from './model.ts';
import { sourceReader } from './source.ts';
import { DiffInputError } from './messages.ts';

export type NodeFactsSource = { path: string } | { json: string };

/** Facts as the compiler takes them; JSON text keeps integers integers. */
function readFacts(node: string, src: NodeFactsSource): Map<string, Value> {
  return 'path' in src ? loadFactsFile(src.path) : factsFromData(parseJsonData(src.json), `the stored facts of ${node}`);
}

/**
 * One reader per code version for a whole diff run: every node reads the same module files, so
 * each is read once. A new run starts afresh (a folder's files may have changed since).
 */
const readers = new Map<string, SourceReader>();
let readersRun = '';
function readerFor(run: string, env: EnvironmentConfig): SourceReader {
  if (run !== readersRun) {
    readers.clear();
    readersRun = run;
  }
  const key = env.modulepath.join('\0');
  let r = readers.get(key);
  if (!r) readers.set(key, (r = sourceReader(env)));
  return r;
}

export interface NodeJob {
  /** Which diff run the job belongs to. */
  run: string;
  node: string;
  /** A fact file (JSON or YAML, plain or Puppet's `{name, values}`), or facts as JSON text. */
  facts: NodeFactsSource;
  from: EnvironmentConfig;
  to: EnvironmentConfig;
  options: DiffOptions;
  /** A node classifier's YAML: its classes and top-scope parameters, on both sides. */
  classifierYaml?: string;
}

/** Another node's exported resources for a compiling node (`kasper diff --stored-exports`: from the master's storage). */
export type ExportedFor = (node: string) => CollectExported;

function compileSide(job: NodeJob, side: 'from' | 'to', facts: Map<string, Value>, collectExported?: CollectExported, queryPuppetDB?: QueryPuppetDB): Catalog | CompileFailure {
  try {
    // A fixed version: the catalogs' own version numbers are not a change. Both sides collect
    // from the same store: what changes is what the code collects, not what is there.
    const { classes, parameters } = classificationFromYaml(job.classifierYaml);
    const catalog = compileCatalog({ environment: job[side], node: job.node, facts, version: 0, collectExported, queryPuppetDB, classes, parameters });
    for (const r of catalog.resources) if (r.file) r.file = relativeTo(job[side].directory, r.file);
    return catalog;
  } catch (e) {
    // The store not answering is no failure of this node's code: the diff stops (KSP-DIFF-008).
    if (e instanceof DiffInputError) throw e;
    const dir = job[side].directory;
    const failure: CompileFailure = { side, message: dir ? (e as Error).message.replaceAll(`${dir}/`, '') : (e as Error).message };
    if (e instanceof CompileError) failure.code = e.code;
    if (e instanceof CompileError && e.location) {
      failure.file = relativeTo(dir, e.location.file);
      failure.line = e.location.line;
      failure.column = e.location.column;
    } else if (!(e instanceof CompileError)) failure.message = `internal compiler error: ${failure.message}`;
    return failure;
  }
}

/** Paths inside the code version, relative to it: the two sides live in different folders. */
function relativeTo(dir: string | undefined, file: string): string {
  return dir && file.startsWith(`${dir}/`) ? file.slice(dir.length + 1) : file;
}

/**
 * Without `exported`, `Type <<| |>>` collects nothing from other nodes (as `puppet apply`);
 * without `queries`, puppetdb_query fails (a compile failure of that node).
 */
export function compileNode(job: NodeJob, exported?: ExportedFor, queries?: QueryPuppetDB): NodeResult {
  const t0 = performance.now();
  const facts = readFacts(job.node, job.facts);
  const collect = exported?.(job.node);
  const a = compileSide(job, 'from', facts, collect, queries);
  const b = compileSide(job, 'to', facts, collect, queries);
  const t1 = performance.now();
  let changes = emptyChangeSet();
  if ('message' in a || 'message' in b) {
    for (const x of [a, b]) if ('message' in x) changes.failures.push(x);
  } else {
    changes = new Comparer(job.options).compare(a, b, readerFor(job.run, job.from), readerFor(job.run, job.to));
  }
  const t2 = performance.now();
  const status = changes.failures.length ? 'failed' : isEmpty(changes) ? 'unchanged' : 'changed';
  return { node: job.node, status, changes, compileMs: t1 - t0, diffMs: t2 - t1 };
}
