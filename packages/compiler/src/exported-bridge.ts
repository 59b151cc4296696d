// Exported resources for compiles in worker threads (the master's compile pool, `kasper diff
// --stored-exports`, the push diff). The compiler is synchronous and asks `collectExported`
// in the middle of a compile; the store is asynchronous and lives on the thread that owns it.
// So a worker posts its question on a port and sleeps (Atomics.wait on a shared flag) until that
// thread has run the asynchronous source, posted the answer and set the flag; the worker then
// takes the answer off the port synchronously (receiveMessageOnPort).
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { CollectExported, ExportedQuery, ExportedResource } from './collectors.ts';

/** Other nodes' exported resources for a compiling node (e.g. from the master's storage). */
export type ExportedSource = (node: string, type: string, query: ExportedQuery | null) => Promise<ExportedResource[]>;

interface Ask { node: string; type: string; query: ExportedQuery | null; signal: SharedArrayBuffer }
type Answer = { resources: ExportedResource[] } | { error: string };

/** On the thread that owns the store: answers every question a worker posts on `port` from `source`. */
export function answerExported(port: MessagePort, source: ExportedSource): void {
  port.on('message', (ask: Ask) => {
    const answer = (a: Answer) => {
      port.postMessage(a);
      const flag = new Int32Array(ask.signal);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    };
    source(ask.node, ask.type, ask.query).then((resources) => answer({ resources }), (e: Error) => answer({ error: e.message }));
  });
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
    const signal = new SharedArrayBuffer(4);
    port.postMessage({ node, type, query, signal } satisfies Ask);
    if (Atomics.wait(new Int32Array(signal), 0, 0, timeoutMs) === 'timed-out') throw options.fail(`in ${timeoutMs / 1000} s`);
    const m = receiveMessageOnPort(port);
    if (!m) throw options.fail('(an empty message)');
    const a = m.message as Answer;
    if ('error' in a) throw options.fail(`(${a.error})`);
    return a.resources;
  };
}
