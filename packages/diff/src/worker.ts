// A diff worker: compiles one node under both code versions and compares the two catalogs, so
// compiling and comparing both spread over the threads. With a port in its workerData it asks
// the diff's thread for other nodes' exported resources (`--stored-exports`).
import { enableCompileCache } from 'node:module';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { NodeJob } from './node.ts';

const { exports, compileCache } = (workerData ?? {}) as { exports?: MessagePort; compileCache?: string };
// The diff thread's compile cache, before the compiler's modules load (a worker does not inherit
// it): importing them took 68 ms of CPU compiled from source, 47 ms from the cache.
if (compileCache) enableCompileCache?.(compileCache);
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const { exportedThrough, queriesThrough } = (await import(`./exports${ext}`)) as typeof import('./exports.ts');
const { DiffInputError } = (await import(`./messages${ext}`)) as typeof import('./messages.ts');
const { compileNode } = (await import(`./node${ext}`)) as typeof import('./node.ts');
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
