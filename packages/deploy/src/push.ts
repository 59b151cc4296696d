// The diff on every push (the pre-receive hook, `kasper code check`): before git accepts a push,
// each pushed branch's tree is built as its deploy would build it (stageBranch), every node the
// master has facts for is compiled under the environment as deployed and under the pushed tree
// (@kasper/diff, in worker threads), the summary goes to the pusher's terminal and the full
// report is stored. The gate (push_gate) may then refuse the push: git leaves the branch as it
// was, so the environment is untouched. Accepted, the post-receive deploy moves the very tree
// that was compared into place.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { availableParallelism, userInfo } from 'node:os';
import { join } from 'node:path';
import { diffNodes, environmentOf, renderSummary, type DiffReport, type ExportedSource, type NodeFacts, type PuppetDBSource } from '@kasper/diff';
import { isEnvironmentName } from '@kasper/master/names';
import { DEPLOY_MARKER, discardStaged, stageBranch, type CodeOptions, type DeployMarker, type StagedTree } from './deploy.ts';
import { raise } from './messages.ts';
import { saveDiffReport, type PushDiffRecord } from './reports.ts';

export type PushGate = 'off' | 'broken' | 'failed';

/** A node the master knows: its environment (as last stored) and its facts. */
export interface FleetNode extends NodeFacts {
  environment: string | null;
}

export interface PushCheckOptions {
  /** Run the diff at all (push_diff); when false only branch names are checked. */
  diff: boolean;
  gate: PushGate;
  /** The nodes the master has facts for (active ones); called once per push. */
  fleet: () => Promise<FleetNode[]>;
  /** Other nodes' exported resources, as the master's compiles collect them (from its storage). */
  exported?: ExportedSource;
  /** puppetdb_query's answers, as the master's compiles get them (from its storage). */
  puppetdb?: PuppetDBSource;
  /** Compile worker threads; default half the cores, at least one. */
  workers?: number;
  basemodulepath?: string[];
  /**
   * The master's node classifier (external_nodes), as its compiles ask it: the environment it
   * puts a node in wins over the stored one, and its classes and parameters are declared.
   */
  classify?: (node: string) => Promise<{ environment?: string; yaml?: string }>;
  /** Seconds a branch's compiles may take (push_diff_timeout); 0 or none: no limit. */
  timeoutSeconds?: number;
  /** One line to the pusher. */
  print: (line: string) => void;
}

const ZERO = /^0+$/;
/** A pre-receive hook's quarantine: the pushed objects live there until the push is accepted. */
const QUARANTINE = ['GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES'];

/** What the push diff decided for one branch. */
export interface BranchVerdict {
  branch: string;
  commit: string;
  accepted: boolean;
  reason?: string;
  report?: DiffReport;
  record?: PushDiffRecord;
}

/**
 * pre-receive: stages, compares and gates every pushed branch (deletions are let through).
 * Answers one verdict per branch; the push is refused when any is not accepted (git's
 * pre-receive is all or nothing), and then no staged tree is left behind.
 */
export async function checkPush(o: CodeOptions, updates: { old: string; new: string; ref: string }[], opts: PushCheckOptions): Promise<BranchVerdict[]> {
  const verdicts: BranchVerdict[] = [];
  const staged: StagedTree[] = [];
  const objects = Object.fromEntries(QUARANTINE.filter((k) => process.env[k]).map((k) => [k, process.env[k]!]));
  let fleet: FleetNode[] | undefined;
  try {
    for (const u of updates) {
      if (!u.ref.startsWith('refs/heads/') || ZERO.test(u.new)) continue;
      const branch = u.ref.slice('refs/heads/'.length);
      if (!isEnvironmentName(branch) || !opts.diff) continue;
      const from = currentTree(o, branch);
      const t0 = Date.now();
      opts.print(`kasper: ${branch}: checking ${u.new.slice(0, 12)} against ${from.label}`);
      let tree: StagedTree;
      try {
        tree = await stageBranch(o, branch, u.new, (s) => opts.print(`kasper: ${s}`), objects);
        staged.push(tree);
      } catch (e) {
        const reason = `the pushed code cannot be deployed: ${(e as Error).message}`;
        opts.print(`kasper:   ${reason}`);
        verdicts.push({ branch, commit: u.new, accepted: opts.gate === 'off', reason });
        continue;
      }
      if (!fleet) {
        try {
          fleet = await opts.fleet();
        } catch (e) {
          throw raise('KSP-DEPLOY-011', { user: userInfo().username, reason: (e as Error).message });
        }
        if (opts.classify) fleet = await classified(fleet, opts.classify, opts.print);
      }
      const { nodes, scope } = chooseNodes(fleet, branch);
      if (!nodes.length) {
        opts.print(`kasper:   no node's facts are stored yet: nothing to compile (the tree was checked: ${Date.now() - t0} ms)`);
        verdicts.push({ branch, commit: u.new, accepted: true });
        continue;
      }
      const workers = Math.max(1, Math.min(nodes.length, opts.workers ?? Math.floor(availableParallelism() / 2)));
      opts.print(`kasper:   compiling ${scope} with ${workers} worker${workers === 1 ? '' : 's'}`);
      const empty = from.dir ? undefined : mkdtempSync(join(o.codedir, 'tmp', 'empty-'));
      if (empty) mkdirSync(join(empty, 'manifests'));
      let report: DiffReport;
      let done = 0;
      const shown = progress(opts.print);
      try {
        report = await diffNodes({
          from: { info: { ref: from.label, resolved: from.resolved }, environment: environmentOf(from.dir ?? empty!, from.name, { basemodulepath: opts.basemodulepath }) },
          to: { info: { ref: `${branch} as pushed`, resolved: u.new }, environment: environmentOf(tree.path, branch, { basemodulepath: opts.basemodulepath }) },
          nodes, workers, exported: opts.exported, puppetdb: opts.puppetdb,
          progress: (n, total) => { done = n; shown(n, total); },
          signal: opts.timeoutSeconds ? AbortSignal.timeout(opts.timeoutSeconds * 1000) : undefined,
        });
      } catch (e) {
        if ((e as Error)?.name !== 'TimeoutError') throw e;
        // Stopped (its workers ended): no report; the gate cannot say the code compiles.
        const reason = raise('KSP-DEPLOY-012', { seconds: opts.timeoutSeconds!, done, total: nodes.length }).message;
        opts.print(`kasper:   ${reason}`);
        verdicts.push({ branch, commit: u.new, accepted: opts.gate === 'off', reason });
        continue;
      } finally {
        if (empty) rmSync(empty, { recursive: true, force: true });
      }
      report.environment = branch;
      for (const line of renderSummary(report)) opts.print(`kasper:   ${line}`);
      const reason = refusal(opts.gate, report);
      const accepted = !reason;
      const record = saveDiffReport(o.codedir, {
        branch, commit: u.new, from: report.from, nodes: scope, summary: report.summary, gate: opts.gate,
        verdict: accepted ? 'accepted' : 'refused', ...(reason ? { reason } : {}),
      }, report);
      opts.print(`kasper:   full report: kasper report diff ${record.id}  (${record.html})`);
      opts.print(`kasper:   compared in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      verdicts.push({ branch, commit: u.new, accepted, reason, report, record });
    }
  } catch (e) {
    for (const t of staged) discardStaged(t);
    throw e;
  }
  const refused = verdicts.filter((v) => !v.accepted);
  for (const v of refused) {
    opts.print(`kasper: ${raise('KSP-DEPLOY-009', { gate: opts.gate, reason: v.reason!, branch: v.branch, deployed: currentTree(o, v.branch).short }).message}`);
  }
  if (refused.length) {
    for (const t of staged) discardStaged(t);
    const others = verdicts.filter((v) => v.accepted).map((v) => v.branch);
    if (others.length) opts.print(`kasper: the whole push is refused, ${others.join(', ')} included (a push is accepted or refused as one)`);
  }
  return verdicts;
}

/**
 * Each node as the master's classifier places it (eight asked at a time, as the master does). A
 * node the classifier fails for gets no catalog from the master either: it is left out, said so.
 */
async function classified(fleet: FleetNode[], classify: NonNullable<PushCheckOptions['classify']>, print: (s: string) => void): Promise<FleetNode[]> {
  const out: (FleetNode | undefined)[] = new Array(fleet.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(8, fleet.length) }, async () => {
    while (next < fleet.length) {
      const i = next++;
      const n = fleet[i];
      try {
        const c = await classify(n.node);
        out[i] = { ...n, environment: c.environment ?? n.environment, ...(c.yaml ? { classifierYaml: c.yaml } : {}) };
      } catch (e) {
        print(`kasper:   ${n.node} left out: ${(e as Error).message}`);
      }
    }
  }));
  return out.filter((n): n is FleetNode => n !== undefined);
}

/** Why the gate refuses this report, or undefined. */
export function refusal(gate: PushGate, report: DiffReport): string | undefined {
  const s = report.summary;
  if (gate === 'broken' && s.brokenByChange) {
    return `the pushed code fails to compile ${s.brokenByChange === 1 ? '1 node' : `${s.brokenByChange} nodes`} that the deployed code compiles`;
  }
  if (gate === 'failed') {
    const failing = report.nodes.filter((n) => n.status === 'failed' && report.groups[n.group!].changes.failures.some((f) => f.side === 'to')).length;
    if (failing) return `the pushed code fails to compile ${failing === 1 ? '1 node' : `${failing} nodes`}`;
  }
  return undefined;
}

/**
 * The nodes a push to `branch` is compiled for: those whose last facts or catalog were in that
 * environment; when none is (a new or feature branch), every node the master knows — what the
 * code would do to them were they moved to it.
 */
function chooseNodes(fleet: FleetNode[], branch: string): { nodes: FleetNode[]; scope: string } {
  const mine = fleet.filter((n) => n.environment === branch);
  if (mine.length) return { nodes: mine, scope: `${plural(mine.length, 'node')} of environment ${branch}` };
  return { nodes: fleet, scope: fleet.length ? `every known node (${fleet.length}): none is in environment ${branch} yet` : 'no node' };
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * What the push is compared with: the environment as deployed now; for a new environment,
 * production as deployed (the branch most likely started from it); else nothing (an empty
 * environment: every resource is new).
 */
function currentTree(o: CodeOptions, branch: string): { dir?: string; name: string; label: string; resolved: string; short: string } {
  for (const name of branch === 'production' ? [branch] : [branch, 'production']) {
    const link = join(o.environmentpath, name);
    if (!existsSync(link)) continue;
    const dir = realpathSync.native(link);
    let commit: string | undefined;
    try {
      commit = (JSON.parse(readFileSync(join(dir, DEPLOY_MARKER), 'utf8')) as DeployMarker).commit;
    } catch { /* a folder made by hand */ }
    const label = name === branch ? `${name} as deployed` : `production as deployed (${branch} is new)`;
    return { dir, name, label, resolved: commit ?? dir, short: name === branch ? (commit?.slice(0, 12) ?? 'its folder') : 'nothing (it is new)' };
  }
  return { name: branch, label: 'an empty environment (nothing deployed yet)', resolved: '(empty)', short: 'nothing (it is new)' };
}

/**
 * Progress for the pusher: a line each tenth of the nodes (and every 10 s), so a push to a
 * thousand nodes prints about ten lines while it compiles.
 */
function progress(print: (s: string) => void): (done: number, total: number) => void {
  let step = -1;
  let last = Date.now();
  const start = last;
  return (done, total) => {
    const s = Math.floor((done * 10) / total);
    if (done === total || s > step || Date.now() - last > 10_000) {
      if (total >= 10 || done === total) print(`kasper:   compiled ${done}/${total} nodes (${((Date.now() - start) / 1000).toFixed(1)} s)`);
      step = s;
      last = Date.now();
    }
  };
}

