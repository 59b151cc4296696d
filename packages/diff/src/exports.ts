// Exported resources for compiles in worker threads (`kasper diff --stored-exports`). The
// compiler is synchronous, the store is not: a worker posts its question on a port and sleeps
// (Atomics.wait) until the diff's thread has run the injected, asynchronous source and answered.
// The master's compile pool bridges the same way for its own compiles.
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ExportedQuery, ExportedResource } from '@kasper/compiler';
import type { ExportedFor } from './node.ts';
import { raise } from './messages.ts';

/** Other nodes' exported resources for a compiling node, e.g. from the master's storage. */
export type ExportedSource = (node: string, type: string, query: ExportedQuery | null) => Promise<ExportedResource[]>;

interface Ask { node: string; type: string; query: ExportedQuery | null; signal: SharedArrayBuffer }
type Answer = { resources: ExportedResource[] } | { error: string };

/** How long a compile waits for the store's answer before the diff stops. */
const TIMEOUT_MS = 60_000;

/** In the diff's thread: answers a worker's questions on `port` from `source`. */
export function answerExports(port: MessagePort, source: ExportedSource): void {
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

/** In a worker: asks the diff's thread on `port` and waits for its answer. */
export function exportedThrough(port: MessagePort): ExportedFor {
  return (node) => (type, query) => {
    const signal = new SharedArrayBuffer(4);
    port.postMessage({ node, type, query, signal } satisfies Ask);
    if (Atomics.wait(new Int32Array(signal), 0, 0, TIMEOUT_MS) === 'timed-out') throw raise('KSP-DIFF-008', { node, reason: `in ${TIMEOUT_MS / 1000} s` });
    const m = receiveMessageOnPort(port);
    if (!m) throw raise('KSP-DIFF-008', { node, reason: '(an empty message)' });
    const a = m.message as Answer;
    if ('error' in a) throw raise('KSP-DIFF-008', { node, reason: `(${a.error})` });
    return a.resources;
  };
}
