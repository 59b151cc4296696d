// Runs a diff over many nodes: one job per node, spread over worker threads, then grouped into
// a report.
import { getCompileCacheDir } from 'node:module';
import { MessageChannel, Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Catalog } from '@kasper/catalog';
import type { EnvironmentConfig } from '@kasper/compiler';
import { Comparer, type DiffOptions } from './compare.ts';
import { answerExports, type ExportedSource, type PuppetDBSource } from './exports.ts';
import { raise } from './messages.ts';
import { compileNode, type NodeFactsSource, type NodeJob } from './node.ts';
import {
  SCHEMA_ID, countChanges, canonicalChangeSet, isEmpty, type DiffReport, type NodeGroup, type NodeResult, type SideInfo,
} from './model.ts';

export interface NodeFacts {
  node: string;
  facts: NodeFactsSource;
  /** A node classifier's answer (ENC YAML: classes, parameters), declared on both sides as the master would. */
  classifierYaml?: string;
}

export interface DiffRequest {
  from: { info: SideInfo; environment: EnvironmentConfig };
  to: { info: SideInfo; environment: EnvironmentConfig };
  nodes: NodeFacts[];
  options?: DiffOptions;
  /** Worker threads; 0 compiles in this thread. Defaults to the cores there are. */
  workers?: number;
  /**
   * Where `Type <<| |>>` collects other nodes' exported resources (`--stored-exports`: the
   * master's storage); without it nothing is collected. Compiles then run in worker threads
   * (at least one), which ask this thread.
   */
  exported?: ExportedSource;
  /** puppetdb_query's answers, from the same storage (with `exported` only); without, it fails. */
  puppetdb?: PuppetDBSource;
  /** Called after each node with how many are done. */
  progress?: (done: number, total: number) => void;
  /** Stops the run: the workers are terminated and diffNodes rejects with the signal's reason. */
  signal?: AbortSignal;
}

// The worker next to this module: worker.ts from the sources, worker.js from the emitted JavaScript.
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export async function diffNodes(req: DiffRequest): Promise<DiffReport> {
  const started = performance.now();
  // Options checked here, in this thread, before any worker starts: a bad one is a clear error.
  new Comparer(req.options);
  const run = randomUUID();
  const jobs: NodeJob[] = req.nodes.map((n) => ({
    run, node: n.node, facts: n.facts, from: req.from.environment, to: req.to.environment, options: req.options ?? {},
    ...(n.classifierYaml ? { classifierYaml: n.classifierYaml } : {}),
  }));
  const size = Math.min(Math.max(req.workers ?? availableParallelism(), req.exported ? 1 : 0), jobs.length);
  const results: NodeResult[] = [];
  let done = 0;
  const finished = (r: NodeResult) => {
    results.push(r);
    req.progress?.(++done, jobs.length);
  };
  req.signal?.throwIfAborted();
  if (size <= 0) {
    for (const job of jobs) {
      req.signal?.throwIfAborted();
      finished(compileNode(job));
    }
  } else {
    let next = 0;
    const compileCache = getCompileCacheDir?.();
    const workers: Worker[] = [];
    let stop: ((reason: unknown) => void) | undefined;
    const stopped = new Promise<never>((_, reject) => { stop = reject; });
    stopped.catch(() => {});
    const onAbort = () => {
      next = jobs.length;
      for (const w of workers) void w.terminate();
      stop!(req.signal!.reason);
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([stopped, Promise.all(Array.from({ length: size }, () => new Promise<void>((resolve, reject) => {
        let worker: Worker;
        if (req.exported) {
          const { port1, port2 } = new MessageChannel();
          answerExports(port1, req.exported, req.puppetdb);
          port1.unref();
          worker = new Worker(WORKER, { workerData: { exports: port2, compileCache }, transferList: [port2] });
          worker.on('exit', () => port1.close());
        } else worker = new Worker(WORKER, { workerData: { compileCache } });
        const feed = () => {
          if (next >= jobs.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          worker.postMessage(jobs[next++]);
        };
        worker.on('message', (r: NodeResult | { storeError: Record<string, unknown> }) => {
          if ('storeError' in r) {
            next = jobs.length;
            void worker.terminate();
            reject(raise('KSP-DIFF-008', r.storeError));
            return;
          }
          finished(r);
          feed();
        });
        worker.on('error', reject);
        workers.push(worker);
        feed();
      })))]);
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
    }
  }
  return buildReport(req.from.info, req.to.info, req.from.environment.name, results, performance.now() - started, size);
}

/** Compares two catalogs already made (the last two a master stored for a node). */
export function diffCatalogs(from: { info: SideInfo; catalog: Catalog }, to: { info: SideInfo; catalog: Catalog }, options: DiffOptions = {}): DiffReport {
  const started = performance.now();
  const changes = new Comparer(options).compare(from.catalog, to.catalog);
  const diffMs = performance.now() - started;
  const result: NodeResult = { node: to.catalog.name, status: isEmpty(changes) ? 'unchanged' : 'changed', changes, compileMs: 0, diffMs };
  return buildReport(from.info, to.info, to.catalog.environment, [result], diffMs, 0);
}

/** Groups nodes with the same change-set; failed groups first, then the largest. */
export function buildReport(from: SideInfo, to: SideInfo, environment: string, results: NodeResult[], wallMs: number, workers: number): DiffReport {
  results.sort((a, b) => a.node.localeCompare(b.node));
  const groups = new Map<string, NodeGroup>();
  const unchanged: string[] = [];
  for (const r of results) {
    if (r.status === 'unchanged') {
      unchanged.push(r.node);
      continue;
    }
    const key = canonicalChangeSet(r.changes);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { status: r.status, nodes: [], changes: r.changes, counts: countChanges(r.changes) }));
    g.nodes.push(r.node);
  }
  const ordered = [...groups.values()].sort((a, b) =>
    (a.status === 'failed' ? 0 : 1) - (b.status === 'failed' ? 0 : 1) || b.nodes.length - a.nodes.length || a.nodes[0].localeCompare(b.nodes[0]));
  const groupOf = new Map<string, number>();
  ordered.forEach((g, i) => g.nodes.forEach((n) => groupOf.set(n, i)));
  const failed = results.filter((r) => r.status === 'failed');
  return {
    schema: SCHEMA_ID,
    from,
    to,
    environment,
    summary: {
      nodes: results.length,
      unchanged: unchanged.length,
      changed: results.filter((r) => r.status === 'changed').length,
      failed: failed.length,
      brokenByChange: failed.filter((r) => r.changes.failures.some((f) => f.side === 'to') && !r.changes.failures.some((f) => f.side === 'from')).length,
    },
    groups: ordered,
    unchanged,
    nodes: results.map((r) => ({ node: r.node, status: r.status, group: groupOf.get(r.node) ?? null, counts: countChanges(r.changes) })),
    timing: {
      compileMs: Math.round(results.reduce((s, r) => s + r.compileMs, 0)),
      diffMs: Math.round(results.reduce((s, r) => s + r.diffMs, 0)),
      wallMs: Math.round(wallMs),
      workers,
    },
  };
}

/** 0 no differences, 2 differences; 1 (an error) when the new code fails to compile a node. */
export function exitCodeOf(report: DiffReport): number {
  if (report.groups.some((g) => g.changes.failures.some((f) => f.side === 'to'))) return 1;
  return report.groups.length ? 2 : 0;
}
