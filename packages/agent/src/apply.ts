// The one way a catalog is applied to this host, whoever compiled it: `kasper apply` (compiled
// here) and the agent (compiled by the master) both come through applyCatalog. It loads the
// resource types and providers modules ship, runs the transaction, and keeps the report in the
// state folder; the caller decides where the catalog came from and where the report goes next.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Catalog, LogLevel, Report } from '@kasper/catalog';
import { Registry, SystemExecutor, detectHost, type Executor, type ProviderContext } from '@kasper/providers';
import { jsonChunks, writeFileAtomic } from '@kasper/files';
import { expandRecursiveSources, type SourceLister } from './generate.ts';
import { loadPlugins } from './plugins.ts';
import type { DeferredOptions } from './deferred.ts';
import { Transaction } from './transaction.ts';
export { openRunLog, type RunLog } from './run-log.ts';

export interface ApplyOptions {
  /** The state folder: the file bucket (`bucket/`) and the last report (`state/last_run_report.json`). */
  vardir: string;
  noop: boolean;
  /** Module folders whose `lib/kasper/{types,providers}` join Kasper's own types and providers. */
  modulepath: string[];
  /** A folder of synced plugins (`kasper/{types,providers}`), loaded after the modules' (an agent's plugindest). */
  libdir?: string;
  /** This host's os.family fact, which picks default providers; detected when not given. */
  osFamily?: string;
  /** Reads `puppet:///modules/…` sources: from the module path, or from the master. */
  readSource?: ProviderContext['readSource'];
  /**
   * Lists `puppet:///…` folders recursively (the master's file_metadatas): recursive file
   * resources with such a source get a resource per file, as Puppet's agent makes them.
   */
  listSource?: SourceLister;
  /** The run's id (Puppet's transaction_uuid), when the requests that got the catalog carried one. */
  transactionUuid?: string;
  /** The job that asked for the run (`kasper run`'s rollout id), recorded as the report's job_id. */
  jobId?: string;
  /** Every log line as it happens, with its catalogue code when it has one. */
  onLog?: (level: LogLevel, source: string, message: string, code?: string) => void;
  /** Checked between resources: true ends the run after the resource in hand. */
  shouldStop?: () => boolean;
  /** Why a cached catalog is being applied, when it is: the report says so and counts as failed. */
  cachedCatalog?: string;
  /** Where providers' commands go (a recorder in tests); the system by default. */
  exec?: Executor;
  /** Types and providers to start from (tests); Kasper's own by default. */
  registry?: Registry;
  /**
   * For Deferred values: the node's facts and the function library (deferred.ts); without a
   * library only join, unwrap, dig and `$facts` are known.
   */
  deferred?: DeferredOptions;
  /** The digest_algorithm setting: file content's checksum in messages and the report where a file names none (sha256). */
  digestAlgorithm?: string;
  /**
   * One full garbage collection before the catalog is applied (collectGarbage; the default). The
   * agent's run process keeps it (3 MiB lower peak); `kasper apply`, 13 MiB under its goal of
   * 80, leaves the old generation to V8: 10 ms less CPU for 1 MiB more.
   */
  collectFirst?: boolean;
}

let gc: (() => void) | undefined;

/**
 * One full garbage collection, now. Before a catalog is applied the heap holds what it took to
 * get it — the compile (`kasper apply`), or the facts, the master's answer and its parse (the
 * agent) — and V8, left to itself, collects the old generation only later, once the heap has
 * grown further with the run's own objects: the peak of a run is both together. Collected here,
 * a no-change agent run of 1,000 files peaks 3 MiB lower (74.8 -> 71.9 MiB), `kasper apply`'s
 * 1 MiB, for ~10 ms of CPU (measured later: `kasper apply` no longer asks for it, collectFirst).
 * (A first run peaks later, as its changes and their events pile up: unchanged by this.) `gc` is Node's, exposed
 * by V8's flag for contexts made after it is set, so taken from a new one.
 */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

export async function applyCatalog(whole: Catalog, options: ApplyOptions): Promise<Report> {
  if (options.collectFirst !== false) collectGarbage();
  // Exported resources are not this node's to apply (the Transaction leaves them out as well):
  // their recursive sources are not even listed.
  const catalog = whole.agentView();
  const registry = options.registry ?? new Registry();
  const loaded = await registry.loadFromModules(options.modulepath);
  if (options.libdir) loaded.push(...await loadPlugins(registry, options.libdir));
  for (const l of loaded) options.onLog?.('debug', 'Kasper', `Loaded ${l}`);
  const failed = options.listSource ? await expandRecursiveSources(catalog, options.listSource) : undefined;
  const transaction = new Transaction(catalog, {
    failed,
    transactionUuid: options.transactionUuid,
    noop: options.noop,
    registry,
    host: detectHost(options.osFamily || undefined),
    exec: options.exec ?? new SystemExecutor(),
    bucketDir: join(options.vardir, 'bucket'),
    readSource: options.readSource,
    onLog: options.onLog,
    shouldStop: options.shouldStop,
    deferred: options.deferred,
    digestAlgorithm: options.digestAlgorithm,
  });
  const report = await transaction.run();
  if (options.jobId) report.job_id = options.jobId;
  if (options.cachedCatalog !== undefined) {
    report.cachedCatalogStatus = 'on_failure';
    report.log('err', 'Kasper', `Applied the cached catalog because a fresh one could not be had: ${options.cachedCatalog}`);
  }
  mkdirSync(join(options.vardir, 'state'), { recursive: true });
  // Written in pieces: the report of 1,000 changes is 1.6 MB of JSON, never one string here.
  writeFileAtomic(join(options.vardir, 'state', 'last_run_report.json'), (function* () {
    yield* jsonChunks(report);
    yield '\n';
  })(), 0o640);
  return report;
}

/** A run's exit code: Puppet's detailed ones (0, 2, 4, 6) when asked, else 1 for a failure and 0 otherwise. */
export function exitCodeOf(report: Report, detailed: boolean): number {
  return detailed ? report.detailedExitCode : report.failed ? 1 : 0;
}
