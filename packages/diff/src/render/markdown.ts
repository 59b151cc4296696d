// Markdown for a merge request comment: a summary table, then each group of nodes with its
// changes; text diffs in ```diff fences inside <details>, which GitHub and GitLab fold.
import type { ChangeSet, DiffReport } from '../model.ts';
import { describeCounts, describeParameter, edgeText, failureAt, headline, nodeList, plural, sideLabel, tagText, timingText, where } from './common.ts';

function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${s}${ticks}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(r: DiffReport): string {
  const out: string[] = [];
  out.push(`## Catalog diff: ${code(sideLabel(r.from))} → ${code(sideLabel(r.to))}`);
  out.push('');
  out.push(`Environment ${code(r.environment)}. **${headline(r)}.**`);
  if (r.summary.brokenByChange) out.push('', `> ⚠️ The new code fails to compile for ${plural(r.summary.brokenByChange, 'node')}.`);
  if (r.groups.length) {
    out.push('', '| group | nodes | status | added | removed | changed | edges | classes |', '|---|---|---|---|---|---|---|---|');
    r.groups.forEach((g, i) => {
      const c = g.counts;
      out.push(`| [${i + 1}](#group-${i + 1}) | ${cell(nodeList(g.nodes, 5))} (${g.nodes.length}) | ${g.status === 'failed' ? '❌ failed' : 'changed'} | ${c.added} | ${c.removed} | ${c.changed} | ${c.edges} | ${c.classes} |`);
    });
  }
  r.groups.forEach((g, i) => {
    out.push('', `### Group ${i + 1}: ${g.status === 'failed' ? 'failed to compile' : describeCounts(g.counts)}`, '');
    out.push(`${plural(g.nodes.length, 'node')}: ${g.nodes.map(code).join(', ')}`, '');
    out.push(...changeLines(g.changes));
  });
  if (r.unchanged.length) out.push('', `Unchanged: ${plural(r.unchanged.length, 'node')} (${nodeList(r.unchanged)}).`);
  out.push('', `<sub>${timingText(r)}</sub>`);
  return out.join('\n') + '\n';
}

function changeLines(c: ChangeSet): string[] {
  const out: string[] = [];
  for (const f of c.failures) {
    const at = f.file ? ` at ${code(failureAt(f))}` : '';
    out.push(`- ❌ **${f.side === 'to' ? 'new' : 'old'} code fails**${at}: ${f.message}${f.code ? ` [${f.code}]` : ''}`);
  }
  for (const a of c.resources.added) out.push(`- ➕ ${code(a.ref)}${a.file ? ` (${where(a.file, a.line)})` : ''}`);
  for (const a of c.resources.removed) out.push(`- ➖ ${code(a.ref)}`);
  for (const ch of c.resources.changed) {
    out.push(`- ✏️ ${code(ch.ref)}${ch.file ? ` (${where(ch.file, ch.line)})` : ''}`);
    for (const p of ch.parameters) {
      out.push(`  - ${code(describeParameter(p))}`);
      if (p.diff) {
        const fence = p.diff.includes('```') ? '````' : '```';
        out.push('', `    <details><summary>${p.name} diff</summary>`, '', `    ${fence}diff`, ...p.diff.split('\n').map((l) => `    ${l}`), `    ${fence}`, '', '    </details>', '');
      }
    }
    if (ch.tags) out.push(`  - tags: ${tagText(ch.tags).map(code).join(' ')}`);
  }
  for (const e of c.edges.added) out.push(`- ➕ edge ${code(edgeText(e))}`);
  for (const e of c.edges.removed) out.push(`- ➖ edge ${code(edgeText(e))}`);
  for (const k of c.classes.added) out.push(`- ➕ class ${code(k)}`);
  for (const k of c.classes.removed) out.push(`- ➖ class ${code(k)}`);
  return out;
}
