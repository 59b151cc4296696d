// The work behind `kasper diff`: wires fact sources (a folder or the master's storage), code
// versions and a renderer to @kasper/diff.
import { resolve } from 'node:path';
import { parseCatalog } from '@kasper/catalog';
import {
  checkout, diffCatalogs, diffNodes, environmentOf, exitCodeOf, factFiles,
  renderHtml, renderJson, renderMarkdown, renderTerminal, type CodeVersion, type DiffReport, type ExportedSource, type NodeFacts,
} from '@kasper/diff';
import { writeFileAtomic } from '@kasper/files';
import { exportedResources, parseDuration, runRootQuery } from '@kasper/query';
import { Resolver } from '@kasper/settings';
import { storageFor } from './fleet-action.ts';
import { fromFlags } from './settings.ts';
import type { Output } from './output.ts';
import { raise } from './messages.ts';

export interface DiffOpts {
  from?: string;
  to?: string;
  repo: string;
  node?: string[];
  allNodes?: boolean;
  facts?: string;
  environment: string;
  stored?: boolean;
  storedExports?: boolean;
  ignore: string[];
  ignoreParam: string[];
  ignoreTags?: boolean;
  format?: 'terminal' | 'json' | 'markdown' | 'html';
  output?: string;
  color?: boolean;
  workers?: string;
  confdir?: string;
  vardir?: string;
  storage?: string;
}

export async function runDiff(opts: DiffOpts, out: Output): Promise<void> {
  const options = { ignore: opts.ignore, ignoreParams: opts.ignoreParam, ignoreTags: opts.ignoreTags };
  // What cannot be used (these, and @kasper/diff's DiffInputErrors) reaches main, printed with its code.
  let report: DiffReport;
  if (opts.stored) {
    if (opts.node?.length !== 1) throw raise('KSP-CLI-018');
    if (opts.storedExports) throw raise('KSP-CLI-027');
    report = await storedDiff(opts.node[0], opts, options);
  } else {
    if (!opts.from || !opts.to) throw raise('KSP-CLI-019');
    if (!opts.node?.length && !opts.allNodes) throw raise('KSP-CLI-020');
    const nodes = await nodeFacts(opts);
    if (nodes.length === 0) throw opts.facts ? raise('KSP-CLI-021', { dir: opts.facts }) : raise('KSP-CLI-022');
    report = await compiledDiff(opts, nodes, options, out);
  }
  const format = opts.format ?? 'terminal';
  const text = format === 'json' ? renderJson(report)
    : format === 'markdown' ? renderMarkdown(report)
    : format === 'html' ? renderHtml(report)
    : renderTerminal(report, opts.color ?? (out.isTTY && !opts.output && !process.env.NO_COLOR));
  if (opts.output) {
    writeFileAtomic(resolve(opts.output), text);
    out.stderr(`kasper diff: ${report.summary.nodes} nodes, report written to ${opts.output}\n`);
  } else out.stdout(text);
  out.exitCode = exitCodeOf(report);
}

/** Facts from a folder of fact files, else from what the master stored. */
async function nodeFacts(opts: DiffOpts): Promise<NodeFacts[]> {
  if (opts.facts) {
    return factFiles(resolve(opts.facts), opts.allNodes ? undefined : opts.node).map((f) => ({ node: f.node, facts: { path: f.path } }));
  }
  const db = await storageFor(opts);
  await db.init();
  try {
    const names = opts.allNodes ? (await db.listNodes()).map((n) => n.name) : opts.node!;
    const out: NodeFacts[] = [];
    const missing: string[] = [];
    for (const node of names) {
      const facts = await db.getFacts(node);
      if (facts === undefined) missing.push(node);
      else out.push({ node, facts: { json: JSON.stringify(facts) } });
    }
    if (missing.length) throw raise('KSP-CLI-023', { nodes: missing.join(', ') });
    return out;
  } finally {
    await db.close();
  }
}

async function compiledDiff(opts: DiffOpts, nodes: NodeFacts[], options: object, out: Output): Promise<DiffReport> {
  const repo = resolve(opts.repo);
  const versions: CodeVersion[] = [];
  let db: Awaited<ReturnType<typeof storageFor>> | undefined;
  // Interrupted (Ctrl-C), the worktrees are still removed: the user's repository keeps no trace.
  const interrupted = (signal: NodeJS.Signals) => {
    for (const v of versions) v.dispose();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  try {
    // --stored-exports: collectors see what the master's would, from its storage (only read).
    if (opts.storedExports) {
      db = await storageFor(opts);
      await db.init();
    }
    const nodePurgeTtl = opts.storedExports ? await new Resolver('master', fromFlags(opts)).get('node_purge_ttl') : undefined;
    const store = db;
    const exported: ExportedSource | undefined = store
      ? (node, type, query) => exportedResources(store, node, type, query, { nodePurgeTtl })
      : undefined;
    // puppetdb_query answered from the same storage, as the master's compiles answer it.
    const puppetdb = store
      ? async (query: string | unknown[]) => JSON.parse((await runRootQuery({ storage: store, nodePurgeTtl: parseDuration(nodePurgeTtl, 14 * 86_400_000) }, query)).body) as unknown[]
      : undefined;
    versions.push(checkout(opts.from!, repo));
    versions.push(checkout(opts.to!, repo));
    const [from, to] = versions;
    // A progress bar on a terminal (stderr), nothing when piped.
    const bar = process.stderr.isTTY && out.isTTY
      ? (done: number, total: number) => {
        const width = 30;
        const filled = Math.round((done / total) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} nodes${done === total ? '\n' : ''}`);
      }
      : undefined;
    return await diffNodes({
      from: { info: { ref: from.ref, resolved: from.resolved }, environment: environmentOf(from.dir, opts.environment) },
      to: { info: { ref: to.ref, resolved: to.resolved }, environment: environmentOf(to.dir, opts.environment) },
      nodes, options, progress: bar, exported, puppetdb,
      workers: opts.workers !== undefined ? Number(opts.workers) : undefined,
    });
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    for (const v of versions) v.dispose();
    await db?.close();
  }
}

async function storedDiff(node: string, opts: DiffOpts, options: object): Promise<DiffReport> {
  const db = await storageFor(opts);
  await db.init();
  try {
    const [newer, older] = await db.catalogs(node, 2);
    if (!older) throw raise('KSP-CLI-024', { what: newer ? 'only one catalog' : 'no catalogs', node });
    return diffCatalogs(
      { info: { ref: `stored ${older.time}`, resolved: older.version }, catalog: parseCatalog(older.catalog) },
      { info: { ref: `stored ${newer.time}`, resolved: newer.version }, catalog: parseCatalog(newer.catalog) },
      options,
    );
  } finally {
    await db.close();
  }
}

