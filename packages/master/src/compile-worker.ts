// A compile worker: receives jobs from the pool, answers with the catalog JSON or the error.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import { stringifyCatalog } from '@kasper/catalog';
import { askExported, askPuppetDB, CompileError, compileCatalog, fromData, parseJsonData, parseYaml11Data, type Value } from '@kasper/compiler';
import { raise } from './messages.ts';
import type { CompileJob, CompileResult } from './compile-pool.ts';

const { exports, collects } = workerData as { exports: MessagePort; collects: boolean };

/**
 * A classifier's classes and parameters, read with Ruby's YAML rules as Puppet reads them: a
 * class with parameters is declared resource-like, one without (a list entry or an empty hash)
 * include-like.
 */
function classification(yaml: string | undefined): { classes?: Map<string, Map<string, Value> | null>; parameters?: Map<string, Value> } {
  if (!yaml) return {};
  const doc = fromData(parseYaml11Data(yaml));
  if (!(doc instanceof Map)) return {};
  const raw = doc.get('classes');
  const classes = new Map<string, Map<string, Value> | null>();
  if (Array.isArray(raw)) for (const c of raw) classes.set(String(c).replace(/^::/, ''), null);
  else if (raw instanceof Map) {
    for (const [c, p] of raw) classes.set(String(c).replace(/^::/, ''), p instanceof Map && p.size ? p as Map<string, Value> : null);
  }
  const parameters = doc.get('parameters');
  return { classes, parameters: parameters instanceof Map ? parameters as Map<string, Value> : undefined };
}

parentPort!.on('message', (job: CompileJob) => {
  let result: CompileResult;
  try {
    const facts = fromData(parseJsonData(job.factsJson)) as Map<string, Value>;
    const trusted = fromData(job.trusted) as Map<string, Value>;
    const { classes, parameters } = classification(job.classifierYaml);
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
