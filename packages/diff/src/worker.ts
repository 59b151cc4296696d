// A diff worker: compiles one node under both code versions and compares the two catalogs, so
// compiling and comparing both spread over the threads. With a port in its workerData it asks
// the diff's thread for other nodes' exported resources (`--stored-exports`).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { exportedThrough, queriesThrough } from './exports.ts';
import { DiffInputError } from './messages.ts';
import { compileNode, type NodeJob } from './node.ts';

const { exports } = (workerData ?? {}) as { exports?: MessagePort };
const exported = exports ? exportedThrough(exports) : undefined;
const queries = exports ? queriesThrough(exports) : undefined;

parentPort!.on('message', (job: NodeJob) => {
  try {
    parentPort!.postMessage(compileNode(job, exported, queries));
  } catch (e) {
    // Only the store's failure reaches here (the compiler's are data in the result).
    if (!(e instanceof DiffInputError)) throw e;
    parentPort!.postMessage({ storeError: e.args });
  }
});
