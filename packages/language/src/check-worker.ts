// A worker thread of checkFiles (check-files.ts, started by check-pool.ts): loads the parser as
// soon as it starts, then, given the files, takes the next one from the shared counter until none
// is left, and sends its results back in batches.
import { enableCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckWork, CheckWorkerData } from './check-pool.ts';
import type { FileCheck } from './check-files.ts';

const data = workerData as CheckWorkerData;
// Node's bootstrap is done: the calling thread may set its V8 flags back (check-pool.ts), which
// it does between two files; until then no module of Kasper's is compiled here (at most 500 ms).
const boot = new Int32Array(data.boot);
Atomics.add(boot, 0, 1);
Atomics.wait(boot, 1, 0, 500);
// The calling thread's compile cache, before the parser's modules load (a worker does not inherit
// it), and its V8 flags, which are this thread's now, said as bin/kasper.js says them (the bundled
// command keys its code caches on them: packages/cli/src/script-cache.ts); and a worker is started
// for many files only, a long run for that code cache.
if (data.compileCache) enableCompileCache?.(data.compileCache);
(globalThis as Record<symbol, unknown>)[Symbol.for('kasper.v8Flags')] = data.flags;
(globalThis as Record<symbol, unknown>)[Symbol.for('kasper.longRun')] = true;
// (A literal import, which the build bundles with this file: see packages/cli/scripts/build.mjs.)
const { checkFile } = await import('./check-files.ts');

parentPort!.once('message', (work: CheckWork) => {
  const counter = new Int32Array(data.next);
  let batch: [number, FileCheck][] = [];
  let started = performance.now();
  for (;;) {
    const i = Atomics.add(counter, 0, 1);
    if (i >= work.files.length) break;
    batch.push([i, checkFile(work.files[i], work)]);
    // small batches early, so that the calling thread, done with its share, waits little
    if (performance.now() - started > 20) {
      parentPort!.postMessage(batch);
      batch = [];
      started = performance.now();
    }
  }
  parentPort!.postMessage(batch);
});
