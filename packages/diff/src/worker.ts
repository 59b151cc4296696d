// A diff worker: compiles one node under both code versions and compares the two catalogs, so
// compiling and comparing both spread over the threads.
import { parentPort } from 'node:worker_threads';
import { compileNode, type NodeJob } from './node.ts';

parentPort!.on('message', (job: NodeJob) => {
  parentPort!.postMessage(compileNode(job));
});
