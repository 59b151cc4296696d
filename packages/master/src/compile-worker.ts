// A compile worker: receives jobs from the pool, answers with the catalog JSON or the error.
import { parentPort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { stringifyCatalog } from '@kasper/catalog';
import { CompileError, compileCatalog, fromData, parseJsonData, type Value } from '@kasper/compiler';
import type { CompileJob, CompileResult } from './compile-pool.ts';

parentPort!.on('message', (job: CompileJob) => {
  let result: CompileResult;
  try {
    const facts = fromData(parseJsonData(job.factsJson)) as Map<string, Value>;
    const trusted = fromData(job.trusted) as Map<string, Value>;
    const catalog = compileCatalog({ environment: job.environment, node: job.node, facts, trusted });
    const text = stringifyCatalog(catalog, 0);
    // Compressed here, once per compile, off the thread that serves requests.
    result = { catalog: text, gzip: gzipSync(text, { level: 6 }), version: String(catalog.version) };
  } catch (e) {
    result = e instanceof CompileError ? { error: e.message, location: e.location } : { error: `internal compiler error: ${(e as Error).message}` };
  }
  parentPort!.postMessage(result);
});
