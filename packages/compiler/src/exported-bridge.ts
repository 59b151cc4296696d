// Exported resources and PuppetDB queries (puppetdb_query) for compiles in worker threads (the
// master's compile pool, `kasper diff --stored-exports`, the push diff). The compiler is
// synchronous and asks `collectExported` or `queryPuppetDB` in the middle of a compile; the
// store is asynchronous and lives on the thread that owns it.
// So a worker posts its question on a port and sleeps (Atomics.wait on a shared flag) until that
// thread has run the asynchronous source, posted the answer and set the flag; the worker then
// takes the answer off the port synchronously (receiveMessageOnPort).
import type { MessagePort } from 'node:worker_threads';
import type { CollectExported, ExportedQuery, ExportedResource } from './collectors.ts';
import type { QueryPuppetDB } from './functions/puppetdb.ts';

/** Other nodes' exported resources for a compiling node (e.g. from the master's storage). */
export type ExportedSource = (node: string, type: string, query: ExportedQuery | null) => Promise<ExportedResource[]>;
/** A PuppetDB query's answer (the parsed JSON of `/pdb/query/v4`), e.g. from the master's storage. */
export type PuppetDBSource = (query: string | unknown[]) => Promise<unknown[]>;

type Ask = { signal: SharedArrayBuffer } & ({ node: string; type: string; query: ExportedQuery | null } | { pdb: string | unknown[] });
type Answer = { resources: unknown[] } | { error: string };

/**
 * On the thread that owns the store: answers every question a worker posts on `port`, exported
 * resources from `source`, PuppetDB queries from `pdb` (refused when there is none).
 */
export function answerExported(port: MessagePort, source: ExportedSource, pdb?: PuppetDBSource): void {
  port.on('message', (ask: Ask) => {
    const answer = (a: Answer) => {
      port.postMessage(a);
      const flag = new Int32Array(ask.signal);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    };
    if ('pdb' in ask && !pdb) return answer({ error: 'there is no PuppetDB to ask here' });
    const asked = 'pdb' in ask ? pdb!(ask.pdb) : source(ask.node, ask.type, ask.query);
    asked.then((resources) => answer({ resources }), (e: Error) => answer({ error: e.message }));
  });
}

/** Posts a question on `port` and sleeps until the owning thread answers (or `timeoutMs` passes). */
function ask(port: MessagePort, question: Record<string, unknown>, fail: (reason: string) => Error, timeoutMs: number): unknown[] {
  const signal = new SharedArrayBuffer(4);
  port.postMessage({ ...question, signal });
  if (Atomics.wait(new Int32Array(signal), 0, 0, timeoutMs) === 'timed-out') throw fail(`in ${timeoutMs / 1000} s`);
  // (node:worker_threads taken here: every compile loads this module, few ask a worker's question.)
  const m = process.getBuiltinModule('node:worker_threads').receiveMessageOnPort(port);
  if (!m) throw fail('(an empty message)');
  const a = m.message as Answer;
  if ('error' in a) throw fail(`(${a.error})`);
  return a.resources;
}

/**
 * In a worker: the `queryPuppetDB` service of a compile, asking on `port`; the store's refusal
 * (a query it cannot run) comes back as the error's reason. `onAsk` is told each time.
 */
export function askPuppetDB(port: MessagePort, options: { timeoutMs?: number; onAsk?: () => void } = {}): QueryPuppetDB {
  return (query) => {
    options.onAsk?.();
    return ask(port, { pdb: query }, (reason) => new Error(reason.replace(/^\((.*)\)$/s, '$1')), options.timeoutMs ?? 60_000);
  };
}

/**
 * In a worker: the `collectExported` service of one node's compile, asking on `port`. `fail`
 * makes the error for a missing answer (no answer within `timeoutMs`, or the source's error),
 * in the caller's own words; `onAsk` is told each time the compile asks.
 */
export function askExported(port: MessagePort, node: string, options: { fail: (reason: string) => Error; timeoutMs?: number; onAsk?: () => void }): CollectExported {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return (type, query) => {
    options.onAsk?.();
    return ask(port, { node, type, query }, options.fail, timeoutMs) as ExportedResource[];
  };
}
