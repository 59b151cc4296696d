// Exported resources and puppetdb_query for the diff's compile workers (`kasper diff
// --stored-exports`, the push diff): the compiler's worker bridge (@kasper/compiler exported-bridge.ts), with the diff's error.
import type { MessagePort } from 'node:worker_threads';
import { askExported, askPuppetDB, type QueryPuppetDB } from '@kasper/compiler';
import type { ExportedFor } from './node.ts';
import { raise } from './messages.ts';

export { answerExported as answerExports, type ExportedSource, type PuppetDBSource } from '@kasper/compiler';

/** In a worker: asks the diff's thread on `port` and waits for its answer. */
export function exportedThrough(port: MessagePort): ExportedFor {
  return (node) => askExported(port, node, { fail: (reason) => raise('KSP-DIFF-008', { node, reason }) });
}

/** In a worker: puppetdb_query, asked of the diff's thread on `port` (which reads the master's storage). */
export function queriesThrough(port: MessagePort): QueryPuppetDB {
  return askPuppetDB(port);
}
