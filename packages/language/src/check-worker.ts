// A worker thread of checkFiles (check-files.ts): takes the next file from the shared counter
// until none is left, and sends its results back in batches.
import { enableCompileCache } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckWork, FileCheck } from './check-files.ts';

const work = workerData as CheckWork;
// The calling thread's compile cache, before the parser's modules load.
if (work.compileCache) enableCompileCache?.(work.compileCache);
const { checkFile } = (await import(import.meta.url.endsWith('.ts') ? './check-files.ts' : './check-files.js')) as typeof import('./check-files.ts');

const counter = new Int32Array(work.next);
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
