// A compile worker: receives jobs from the pool, answers with the catalog JSON or the error.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { stringifyCatalog } from '@kasper/catalog';
import { askExported, askPuppetDB, classificationFromYaml, CompileError, compileCatalog, fromData, parseJsonData, type Value } from '@kasper/compiler';
import { raise } from './messages.ts';
import type { CompileJob, CompileResult } from './compile-pool.ts';

const { exports, collects } = workerData as { exports: MessagePort; collects: boolean };

// A compile worker lives as long as the master and compiles node after node: V8's tiering of the
// embedded Ruby's WebAssembly (TurboFan recompiling its hot functions in the background), which
// a one-shot command goes without, pays back here. The apache site of the ERB benchmark, a
// further node in a warm process: 106-118 -> 80 ms of the compiling thread's CPU, 131-149 ->
// 115-119 ms with the background compiles; the first node pays ~0.3 s more of background CPU.
// KASPER_RUBY_TIER_UP=0 in the master's environment keeps Liftoff only.
process.env.KASPER_RUBY_TIER_UP ??= '1';

parentPort!.on('message', (job: CompileJob) => {
  let result: CompileResult;
  try {
    const facts = fromData(parseJsonData(job.factsJson)) as Map<string, Value>;
    const trusted = fromData(job.trusted) as Map<string, Value>;
    const { classes, parameters } = classificationFromYaml(job.classifierYaml);
    const serverFacts = new Map<string, Value>(Object.entries(job.serverFacts ?? {}));
    const used = { asked: false };
    // Other nodes' exported resources, asked of the master's thread, which reads its store.
    const collectExported = collects
      ? askExported(exports, job.node, { fail: (reason) => raise('KSP-MASTER-019', { reason }), onAsk: () => (used.asked = true) })
      : undefined;
    // puppetdb_query, answered by the master's thread from its store's query engine.
    const queryPuppetDB = collects ? askPuppetDB(exports, { onAsk: () => (used.asked = true) }) : undefined;
    const catalog = compileCatalog({ environment: job.environment, node: job.node, facts, trusted, classes, parameters, serverFacts, collectExported, queryPuppetDB });
    // The agent gets its catalog without exported resources; the whole one is stored, so other
    // nodes can collect them (as Puppet stores before it filters).
    const agent = catalog.agentView();
    const text = stringifyCatalog(agent, 0);
    // Compressed here, once per compile, off the thread that serves requests.
    result = {
      catalog: text, gzip: gzipSync(text, { level: 6 }), version: String(catalog.version),
      ...(agent === catalog ? {} : { stored: stringifyCatalog(catalog, 0) }), ...(used.asked ? { collectedExports: true } : {}),
    };
  } catch (e) {
    // The compiler's code and place travel with the message, so the agent sees them.
    result = e instanceof CompileError
      ? { error: e.toJSON() }
      : { error: { code: 'KSP-MASTER-009', severity: 'error', message: `internal compiler error: ${(e as Error).message}` } };
  }
  parentPort!.postMessage(result);
});
