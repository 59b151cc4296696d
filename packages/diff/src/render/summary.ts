// A short account of a report, for a place with little room: the output of a git push hook
// (`kasper code check`). Compile failures first, then each group of nodes with the resources it
// changes — bounded, so a push to a large fleet prints a screenful, not the whole report; the
// stored HTML/JSON report has the rest.
import type { ChangeSet, DiffReport } from '../model.ts';
import { describeCounts, failureAt, headline, nodeList, plural } from './common.ts';

export interface SummaryOptions {
  /** Groups shown (failed groups always come first). */
  maxGroups?: number;
  /** Resource lines shown per group. */
  maxResources?: number;
  /** Node names shown per group. */
  maxNodes?: number;
}

/** Lines without a trailing newline, indented by the caller as it likes. */
export function renderSummary(r: DiffReport, o: SummaryOptions = {}): string[] {
  const maxGroups = o.maxGroups ?? 10;
  const maxResources = o.maxResources ?? 8;
  const maxNodes = o.maxNodes ?? 6;
  const out: string[] = [];
  const total = r.nodes.reduce((t, n) => ({ added: t.added + n.counts.added, removed: t.removed + n.counts.removed, changed: t.changed + n.counts.changed }), { added: 0, removed: 0, changed: 0 });
  const resources = total.added + total.removed + total.changed;
  out.push(`${headline(r)}${resources ? `; resources over all nodes: ${describeCounts({ ...total, edges: 0, classes: 0 })}` : ''}`);
  // A compile error often names its node ("… for web1.example.com"): groups whose failures are
  // the same but for that name are told once, the name written <node>.
  const groups: { status: string; nodes: string[]; changes: ChangeSet; counts: (typeof r.groups)[number]['counts'] }[] = [];
  const failedByKey = new Map<string, (typeof groups)[number]>();
  for (const g of r.groups) {
    if (g.status !== 'failed') {
      groups.push(g);
      continue;
    }
    const failures = g.changes.failures.map((f) => ({ ...f, message: g.nodes.length === 1 ? f.message.split(g.nodes[0]).join('<node>') : f.message }));
    const key = JSON.stringify(failures);
    const seen = failedByKey.get(key);
    if (seen) seen.nodes.push(...g.nodes);
    else {
      const merged = { ...g, nodes: [...g.nodes], changes: { ...g.changes, failures } };
      failedByKey.set(key, merged);
      groups.push(merged);
    }
  }
  // Failures first: those this push brings, then the larger groups (a stable sort keeps the
  // report's order otherwise).
  const broken = (g: (typeof groups)[number]) => g.status === 'failed' && g.changes.failures.some((f) => f.side === 'to') && !g.changes.failures.some((f) => f.side === 'from');
  const rank = (g: (typeof groups)[number]) => (g.status !== 'failed' ? 2 : broken(g) ? 0 : 1);
  groups.sort((a, b) => rank(a) - rank(b) || (a.status === 'failed' ? b.nodes.length - a.nodes.length : 0));
  for (const g of groups) {
    if (g.nodes.length === 1) g.changes = { ...g.changes, failures: g.changes.failures.map((f) => ({ ...f, message: f.message.split('<node>').join(g.nodes[0]) })) };
  }
  groups.slice(0, maxGroups).forEach((g) => {
    const who = `${plural(g.nodes.length, 'node')}: ${nodeList(g.nodes, maxNodes)}`;
    if (g.status === 'failed') {
      out.push(`✗ ${broken(g) ? 'broken by this push' : 'failed to compile'} — ${who}`);
      for (const f of g.changes.failures) {
        const at = failureAt(f);
        out.push(`    ${f.side === 'to' ? 'new code' : 'old code'}: ${f.message}${f.code ? ` [${f.code}]` : ''}${at ? ` (${at})` : ''}`);
      }
    } else {
      out.push(`● ${describeCounts(g.counts)} — ${who}`);
      out.push(...resourceLines(g.changes, maxResources));
    }
  });
  if (groups.length > maxGroups) out.push(`… and ${plural(groups.length - maxGroups, 'more group')} (see the full report)`);
  if (r.unchanged.length) out.push(`unchanged: ${plural(r.unchanged.length, 'node')} (${nodeList(r.unchanged, maxNodes)})`);
  return out;
}

function resourceLines(c: ChangeSet, max: number): string[] {
  const lines = [
    ...c.resources.added.map((a) => `    + ${a.ref}`),
    ...c.resources.removed.map((a) => `    - ${a.ref}`),
    ...c.resources.changed.map((ch) => `    ~ ${ch.ref} (${[...ch.parameters.map((p) => p.name), ...(ch.tags ? ['tags'] : [])].join(', ')})`),
    ...c.classes.added.map((k) => `    + class ${k}`),
    ...c.classes.removed.map((k) => `    - class ${k}`),
  ];
  const edges = c.edges.added.length + c.edges.removed.length;
  if (edges) lines.push(`    ${plural(edges, 'relationship')} added or removed`);
  return lines.length > max ? [...lines.slice(0, max), `    … and ${lines.length - max} more`] : lines;
}
