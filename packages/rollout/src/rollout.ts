// A rolling run: the nodes a query selects, asked to run through the master a batch at a time.
// For each node of a batch, at once: the `before` hook (drain it from the load balancer), a
// run asked of its agent, its report awaited, the health check (a command, or an HTTP GET from
// here), the `after` hook (add it back). A node fails when a hook fails, its run fails (or
// applied a cached catalog), no report comes in time, or its check does not pass; a failed node
// is not added back. After each batch, more failures than `maxFailures` stop the rollout: the
// nodes of the batches not started are left untouched.
import { randomBytes } from 'node:crypto';
import { runHook } from '@kasper/hooks';
import { nodeSelectionQuery } from '@kasper/query';
import type { RolloutMaster, RunAnswer } from './client.ts';
import { raise } from './messages.ts';

export interface RolloutPlan {
  /** The node selection (`web*`, `class=Role::Web and facts.os.release.major=12`, PQL). */
  nodes: string;
  /** Nodes per batch: a number, or a percentage of the nodes selected (`20%`). */
  batch: string | number;
  noop: boolean;
  environment?: string;
  /** A shell command that exits 0 when the node is healthy. */
  check?: string;
  /** A URL answered 2xx when the node is healthy (`{node}` is the node's name). */
  checkUrl?: string;
  /** The check is tried again every second until it passes or this many seconds are gone (default 30). */
  checkTimeout?: number;
  before?: string;
  after?: string;
  /** Failed nodes tolerated; one more stops the rollout after its batch (default 0). */
  maxFailures: number;
  /** Seconds to wait for a node's report (default 600). */
  runTimeout?: number;
  /** Seconds a hook may take (default 300). */
  hookTimeout?: number;
}

export type NodePhase = 'waiting' | 'before' | 'running' | 'checking' | 'after' | 'done' | 'failed' | 'untouched';

export interface NodeProgress {
  node: string;
  batch: number;
  phase: NodePhase;
  /** Once done: what the run did. */
  outcome?: 'changed' | 'unchanged' | 'would change' | 'failed';
  /** Resources changed (or that would change, in noop) and failed, from the report. */
  changed?: number;
  failedResources?: number;
  /** Why it failed, or what it is doing. */
  detail?: string;
  seconds?: number;
  /** Its run was asked of its agent, with this id (the report's transaction_uuid). */
  asked?: boolean;
  transactionUuid?: string;
}

export interface RolloutResult {
  jobId: string;
  nodes: NodeProgress[];
  batches: number;
  /** The rollout stopped before its last batch (too many failures). */
  stopped: boolean;
  ran: string[];
  changed: string[];
  failed: string[];
  untouched: string[];
}

export interface RolloutEvents {
  /** Every change of a node's phase, and the whole table with it. */
  onProgress?: (node: NodeProgress, all: readonly NodeProgress[]) => void;
  onBatch?: (batch: number, of: number, nodes: string[]) => void;
  /** A line about the rollout itself (the job id, why it stops). */
  onNote?: (text: string) => void;
}

/** `--batch`: how many nodes at a time, out of `count`. */
export function batchSize(batch: string | number, count: number): number {
  const text = String(batch).trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (pct) {
    const p = Number(pct[1]);
    if (p <= 0 || p > 100) throw raise('KSP-ROLLOUT-002', { value: text });
    return Math.max(1, Math.ceil((count * p) / 100));
  }
  if (!/^\d+$/.test(text) || Number(text) < 1) throw raise('KSP-ROLLOUT-002', { value: text });
  return Number(text);
}

/** `{node}` in a hook, check or URL is the node's name (certnames hold no shell metacharacters). */
const withNode = (text: string, node: string) => text.replaceAll('{node}', node);

const lastLines = (s: string) => s.trim().split('\n').slice(-3).join(' | ').slice(0, 300);

function newJobId(): string {
  const t = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `run-${t}-${randomBytes(3).toString('hex')}`;
}

export async function rollout(plan: RolloutPlan, master: RolloutMaster, events: RolloutEvents = {}): Promise<RolloutResult> {
  if (!Number.isInteger(plan.maxFailures) || plan.maxFailures < 0) throw raise('KSP-ROLLOUT-006', { value: plan.maxFailures });
  if (plan.check && plan.checkUrl) throw raise('KSP-ROLLOUT-007');
  const names = await master.select(nodeSelectionQuery(plan.nodes));
  if (!names.length) throw raise('KSP-ROLLOUT-001', { query: JSON.stringify(plan.nodes) });
  const size = batchSize(plan.batch, names.length);
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += size) batches.push(names.slice(i, i + size));
  const jobId = newJobId();
  const rows = names.map((node): NodeProgress => ({ node, batch: 1 + Math.floor(names.indexOf(node) / size), phase: 'waiting' }));
  const row = (node: string) => rows.find((r) => r.node === node)!;
  const update = (node: string, change: Partial<NodeProgress>) => {
    const r = Object.assign(row(node), change);
    events.onProgress?.(r, rows);
  };
  events.onNote?.(`job ${jobId}: ${names.length} node(s) in ${batches.length} batch(es) of ${size}${plan.noop ? ', noop' : ''}`);

  const hookTimeoutMs = (plan.hookTimeout ?? 300) * 1000;
  const env = (node: string, phase: string) => ({ KASPER_NODE: node, KASPER_JOB: jobId, KASPER_PHASE: phase, KASPER_NOOP: plan.noop ? 'true' : 'false' });
  const shell = async (command: string, node: string, phase: string) =>
    runHook('/bin/sh', ['-c', withNode(command, node)], { timeoutMs: hookTimeoutMs, maxOutputBytes: 64 * 1024, keepStderr: true, env: env(node, phase) });

  /** The health check, tried every second until it passes or its time is up. */
  const check = async (node: string): Promise<string | null> => {
    const deadline = Date.now() + (plan.checkTimeout ?? 30) * 1000;
    let why = '';
    for (;;) {
      if (plan.check) {
        const r = await shell(plan.check, node, 'check');
        if (r.code === 0) return null;
        why = `check ${r.reason}${r.stdout.trim() ? `: ${lastLines(r.stdout)}` : ''}`;
      } else if (plan.checkUrl) {
        const url = withNode(plan.checkUrl, node);
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
          const body = await res.text();
          if (res.status >= 200 && res.status < 300) return null;
          why = `${url} answered ${res.status}${body.trim() ? `: ${lastLines(body)}` : ''}`;
        } catch (e) {
          why = `${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`;
        }
      } else return null;
      if (Date.now() + 1000 > deadline) return why;
      await new Promise((r) => setTimeout(r, 1000));
    }
  };

  const runNode = async (node: string, connected: Set<string>): Promise<void> => {
    const started = Date.now();
    const fail = (detail: string) => update(node, { phase: 'failed', detail, seconds: (Date.now() - started) / 1000 });
    if (!connected.has(node)) return fail('not connected to the master: cannot be asked to run (its agent runs on its interval)');
    // In noop nothing changes on the node: there is nothing to drain it for.
    const hooks = !plan.noop;
    if (hooks && plan.before) {
      update(node, { phase: 'before', detail: undefined });
      const r = await shell(plan.before, node, 'before');
      if (r.code !== 0) return fail(`before hook ${r.reason}${r.stdout.trim() ? `: ${lastLines(r.stdout)}` : ''}`);
    }
    update(node, { phase: 'running', detail: undefined });
    let run: RunAnswer | undefined = await master.requestRun(node, { noop: plan.noop, environment: plan.environment, jobId });
    if (!run) return fail('not connected to the master any more: its run could not be asked for');
    update(node, { asked: true, transactionUuid: run.transaction_uuid });
    const deadline = Date.now() + (plan.runTimeout ?? 600) * 1000;
    while (run.state !== 'done') {
      const left = (deadline - Date.now()) / 1000;
      if (left <= 0) return fail(`no report within ${plan.runTimeout ?? 600} s (run ${run.transaction_uuid})`);
      run = await master.waitRun(run.transaction_uuid, Math.min(60, Math.ceil(left)));
    }
    const r = run.result!;
    const failedRun = r.status === 'failed' || r.cached_catalog_status === 'on_failure';
    const outcome = failedRun ? 'failed' : r.noop_pending || (r.noop && r.resources.out_of_sync > 0) ? 'would change' : r.status === 'changed' ? 'changed' : 'unchanged';
    update(node, { outcome, changed: r.noop ? r.resources.out_of_sync : r.resources.changed, failedResources: r.resources.failed });
    if (failedRun) {
      const why = r.cached_catalog_status === 'on_failure' ? 'the agent applied its cached catalog' : `the run failed (${r.resources.failed} resource(s) failed)`;
      return fail(`${why}${r.errors.length ? `: ${r.errors[0]}` : ''}`);
    }
    if (plan.check || plan.checkUrl) {
      update(node, { phase: 'checking' });
      const why = await check(node);
      if (why) return fail(`health check failed: ${why}`);
    }
    if (hooks && plan.after) {
      update(node, { phase: 'after' });
      const h = await shell(plan.after, node, 'after');
      if (h.code !== 0) return fail(`after hook ${h.reason}${h.stdout.trim() ? `: ${lastLines(h.stdout)}` : ''}`);
    }
    update(node, { phase: 'done', detail: undefined, seconds: (Date.now() - started) / 1000 });
  };

  let stopped = false;
  for (const [i, batch] of batches.entries()) {
    events.onBatch?.(i + 1, batches.length, batch);
    const connected = await master.connected();
    await Promise.all(batch.map((node) => runNode(node, connected).catch((e: Error) => {
      update(node, { phase: 'failed', detail: e.message });
    })));
    const failures = rows.filter((r) => r.phase === 'failed').length;
    if (failures > plan.maxFailures && i < batches.length - 1) {
      stopped = true;
      events.onNote?.(`stopping: ${failures} node(s) failed, more than --max-failures ${plan.maxFailures}; ${batches.slice(i + 1).flat().length} node(s) left untouched`);
      for (const node of batches.slice(i + 1).flat()) update(node, { phase: 'untouched' });
      break;
    }
  }
  const where = (f: (r: NodeProgress) => boolean) => rows.filter(f).map((r) => r.node);
  return {
    jobId, nodes: rows, batches: batches.length, stopped,
    ran: where((r) => r.asked === true),
    changed: where((r) => r.outcome === 'changed' || r.outcome === 'would change'),
    failed: where((r) => r.phase === 'failed'),
    untouched: where((r) => r.phase === 'untouched'),
  };
}
