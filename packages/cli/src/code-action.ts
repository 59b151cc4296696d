// The work behind `kasper code check` (the pre-receive hook: branch names, then the push diff
// and its gate) and `kasper report diffs|diff` (the push diffs stored): wiring of
// @kasper/deploy, @kasper/diff, @kasper/storage and @kasper/query.
import { existsSync } from 'node:fs';
import { checkPush, checkUpdates, listDiffReports, parseRefUpdates, readDiffReport, type FleetNode, type PushGate } from '@kasper/deploy';
import { renderHtml, renderJson, renderMarkdown, renderTerminal } from '@kasper/diff';
import { exportedResources, parseDuration, runRootQuery } from '@kasper/query';
import { resolveSettings } from '@kasper/settings';
import { openStorage, type Storage } from '@kasper/storage';
import { fromFlags } from './settings.ts';
import type { Output } from './output.ts';

async function stdinText(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The master's storage, unless it is a SQLite file that does not exist yet (a master with no nodes): never created here. */
function existingStorage(url: string): Storage | undefined {
  if (!/^postgres(ql)?:\/\//.test(url) && !existsSync(url.replace(/^sqlite:/, ''))) return undefined;
  return openStorage(url);
}

export async function runCodeCheck(opts: object, out: Output): Promise<void> {
  const updates = parseRefUpdates(await stdinText());
  const errors = checkUpdates(updates);
  for (const e of errors) out.stderr(`kasper: ${e}\n`);
  if (errors.length) {
    out.exitCode = 1;
    return;
  }
  const s = await resolveSettings('code', fromFlags(opts));
  if (!s.push_diff) return;
  const print = (line: string) => out.stdout(`${line}\n`);
  let db: Storage | undefined;
  // Only nodes still active: a deactivated or expired node gets no catalog from the master.
  const fleet = async (): Promise<FleetNode[]> => {
    db = existingStorage(s.storage);
    if (!db) return [];
    await db.init();
    const nodes: FleetNode[] = [];
    for (const n of await db.listNodes()) {
      if (n.deactivated || n.expired) continue;
      const facts = await db.getFacts(n.name);
      if (facts !== undefined) nodes.push({ node: n.name, environment: n.environment, facts: { json: JSON.stringify(facts) } });
    }
    return nodes;
  };
  const gate = s.push_gate as PushGate;
  try {
    const verdicts = await checkPush({ codedir: s.codedir, environmentpath: s.environmentpath }, updates, {
      diff: true, gate, fleet, workers: s.push_diff_workers, basemodulepath: s.basemodulepath, timeoutSeconds: s.push_diff_timeout, print,
      exported: (node, type, query) => exportedResources(db!, node, type, query, { nodePurgeTtl: s.node_purge_ttl }),
      classify: s.external_nodes ? async (node) => {
        const { classify } = await import('@kasper/master/classifier');
        return classify(s.external_nodes, node);
      } : undefined,
      puppetdb: async (query) => JSON.parse((await runRootQuery({ storage: db!, nodePurgeTtl: parseDuration(s.node_purge_ttl, 14 * 86_400_000) }, query)).body) as unknown[],
    });
    if (verdicts.some((v) => !v.accepted)) out.exitCode = 1;
  } catch (e) {
    // The diff could not run (the storage unreachable, …): the gate cannot say yes.
    if (gate !== 'off') throw e;
    print(`kasper: the push diff failed: ${(e as Error).message}; accepted (push_gate = off)`);
  } finally {
    await db?.close();
  }
}

export interface ReportDiffOpts { codedir?: string; confdir?: string; vardir?: string; environment?: string; format?: string; color?: boolean }

/** `kasper report diffs [--environment E]`: the stored push diffs, newest first. */
export async function runReportDiffs(opts: ReportDiffOpts, out: Output): Promise<void> {
  const s = await resolveSettings('report', fromFlags(opts));
  const rows = listDiffReports(s.codedir, opts.environment);
  if (opts.format === 'json') {
    out.stdout(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const r of rows) {
    const m = r.summary;
    const counts = `${m.nodes} nodes: ${m.failed ? `${m.failed} failed, ` : ''}${m.changed} changed, ${m.unchanged} unchanged`;
    out.stdout(`${r.id.padEnd(50)} ${r.verdict.padEnd(8)} ${counts}\n`);
  }
}

/** `kasper report diff ID|latest [--format …]`: one push diff, rendered from its stored JSON. */
export async function runReportDiff(id: string, opts: ReportDiffOpts, out: Output): Promise<void> {
  const s = await resolveSettings('report', fromFlags(opts));
  const { record, report } = readDiffReport(s.codedir, id);
  const format = opts.format ?? 'terminal';
  if (format === 'json') out.stdout(renderJson(report));
  else if (format === 'html') out.stdout(renderHtml(report));
  else if (format === 'markdown') out.stdout(renderMarkdown(report));
  else {
    out.stdout(`Push of ${record.branch} at ${record.commit.slice(0, 12)}, ${record.time}: ${record.verdict}${record.reason ? ` (${record.reason})` : ''}, push_gate = ${record.gate}\n`);
    out.stdout(`Nodes: ${record.nodes}\nHTML: ${record.html}\n\n`);
    out.stdout(renderTerminal(report, opts.color ?? (out.isTTY && !process.env.NO_COLOR)));
  }
}
