// One self-contained HTML file: no scripts, fonts or links to fetch. A summary table of the
// nodes with their counts, then each group of nodes with its changes; text diffs fold with
// <details>, so the page works wherever it is opened, mail attachments included.
import type { ChangeSet, DiffReport } from '../model.ts';
import { describeCounts, describeParameter, edgeText, failureAt, headline, plural, sideLabel, tagText, timingText, where } from './common.ts';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
:root { color-scheme: light dark; --add: #1a7f37; --del: #cf222e; --chg: #9a6700; --muted: #6e7781; --line: #d0d7de; --addbg: #dafbe1; --delbg: #ffebe9; --hunk: #ddf4ff; }
@media (prefers-color-scheme: dark) { :root { --add: #3fb950; --del: #f85149; --chg: #d29922; --muted: #8b949e; --line: #30363d; --addbg: #033a16; --delbg: #490202; --hunk: #0c2d6b; } }
body { font: 14px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
h1 { margin-bottom: .25rem; } .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .6rem; text-align: left; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td:first-child { border-left: 4px solid var(--del); } tr.changed td:first-child { border-left: 4px solid var(--chg); }
.status-failed { color: var(--del); font-weight: 600; } .status-changed { color: var(--chg); }
section.group { border: 1px solid var(--line); border-radius: 6px; padding: 0 1rem 1rem; margin: 1.5rem 0; }
section.group.failed { border-color: var(--del); }
ul.changes { list-style: none; padding-left: 0; } ul.changes > li { margin: .3rem 0; }
ul.changes > li.added::before { content: "+ "; color: var(--add); font-weight: 700; } ul.changes > li.removed::before { content: "− "; color: var(--del); font-weight: 700; }
ul.changes > li.changed::before { content: "~ "; color: var(--chg); font-weight: 700; } ul.changes > li.failure { color: var(--del); }
ul.params { margin: .2rem 0 .4rem 1.2rem; padding-left: .5rem; }
details.textdiff > summary { cursor: pointer; color: var(--muted); }
pre.diff { border: 1px solid var(--line); border-radius: 4px; padding: .4rem 0; overflow-x: auto; }
pre.diff span { display: block; padding: 0 .6rem; white-space: pre; }
pre.diff .add { background: var(--addbg); } pre.diff .del { background: var(--delbg); } pre.diff .hunk { background: var(--hunk); color: var(--muted); }
`;

export function renderHtml(r: DiffReport): string {
  const out: string[] = [];
  out.push('<!doctype html>', '<html lang="en">', '<head>', '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">');
  out.push(`<title>Catalog diff ${esc(sideLabel(r.from))} → ${esc(sideLabel(r.to))}</title>`, `<style>${STYLE}</style>`, '</head>', '<body>');
  out.push('<header>', '<h1>Catalog diff</h1>');
  out.push(`<p class="sides"><code>${esc(sideLabel(r.from))}</code> → <code>${esc(sideLabel(r.to))}</code>, environment <code>${esc(r.environment)}</code></p>`);
  out.push(`<p class="headline"><strong>${esc(headline(r))}</strong></p>`, '</header>');
  // The summary table: every node that differs, then one line for the unchanged ones.
  out.push('<section id="summary">', '<table id="nodes">', '<thead><tr><th>node</th><th>status</th><th>group</th><th class="n">added</th><th class="n">removed</th><th class="n">changed</th><th class="n">edges</th><th class="n">classes</th></tr></thead>', '<tbody>');
  const differing = r.nodes.filter((n) => n.status !== 'unchanged')
    .sort((a, b) => (a.status === 'failed' ? 0 : 1) - (b.status === 'failed' ? 0 : 1) || a.node.localeCompare(b.node));
  for (const n of differing) {
    const c = n.counts;
    const group = n.group === null ? '' : `<a href="#group-${n.group + 1}">${n.group + 1}</a>`;
    out.push(`<tr class="${n.status}"><td>${esc(n.node)}</td><td class="status-${n.status}">${n.status === 'failed' ? 'failed to compile' : 'changed'}</td><td>${group}</td>`
      + `<td class="n">${c.added}</td><td class="n">${c.removed}</td><td class="n">${c.changed}</td><td class="n">${c.edges}</td><td class="n">${c.classes}</td></tr>`);
  }
  if (r.unchanged.length) {
    out.push(`<tr class="unchanged"><td colspan="8"><details><summary>${esc(plural(r.unchanged.length, 'node'))} unchanged</summary>${esc(r.unchanged.join(', '))}</details></td></tr>`);
  }
  out.push('</tbody>', '</table>', '</section>');
  r.groups.forEach((g, i) => {
    out.push(`<section class="group ${g.status}" id="group-${i + 1}">`);
    out.push(`<h2>Group ${i + 1}: ${esc(g.status === 'failed' ? 'failed to compile' : describeCounts(g.counts))}</h2>`);
    out.push(`<p class="nodes">${esc(plural(g.nodes.length, 'node'))}: ${g.nodes.map((n) => `<code>${esc(n)}</code>`).join(', ')}</p>`);
    out.push(...changeItems(g.changes));
    out.push('</section>');
  });
  out.push(`<footer class="muted">${esc(timingText(r))} Made by kasper diff.</footer>`);
  out.push('</body>', '</html>');
  return out.join('\n') + '\n';
}

function diffBlock(name: string, diff: string): string {
  const lines = diff.split('\n').map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : 'ctx';
    return `<span class="${cls}">${esc(l) || ' '}</span>`;
  });
  return `<details class="textdiff"><summary>${esc(name)} diff (${diff.split('\n').length} lines)</summary><pre class="diff">${lines.join('')}</pre></details>`;
}

function changeItems(c: ChangeSet): string[] {
  const out: string[] = ['<ul class="changes">'];
  for (const f of c.failures) {
    const at = f.file ? ` at <code>${esc(failureAt(f))}</code>` : '';
    out.push(`<li class="failure"><strong>${f.side === 'to' ? 'The new code' : 'The old code'} fails to compile</strong>${at}: ${esc(f.message)}${f.code ? ` <code>[${esc(f.code)}]</code>` : ''}</li>`);
  }
  const at = (file?: string, line?: number) => (file ? ` <span class="muted">${esc(where(file, line))}</span>` : '');
  for (const a of c.resources.added) out.push(`<li class="added"><code>${esc(a.ref)}</code>${at(a.file, a.line)}</li>`);
  for (const a of c.resources.removed) out.push(`<li class="removed"><code>${esc(a.ref)}</code>${at(a.file, a.line)}</li>`);
  for (const ch of c.resources.changed) {
    out.push(`<li class="changed"><code>${esc(ch.ref)}</code>${at(ch.file, ch.line)}<ul class="params">`);
    for (const p of ch.parameters) {
      out.push(`<li><code>${esc(describeParameter(p))}</code>${p.diff ? diffBlock(p.name, p.diff) : ''}</li>`);
    }
    if (ch.tags) out.push(`<li>tags: <code>${esc(tagText(ch.tags).join(' '))}</code></li>`);
    out.push('</ul></li>');
  }
  for (const e of c.edges.added) out.push(`<li class="added">edge <code>${esc(edgeText(e))}</code></li>`);
  for (const e of c.edges.removed) out.push(`<li class="removed">edge <code>${esc(edgeText(e))}</code></li>`);
  for (const k of c.classes.added) out.push(`<li class="added">class <code>${esc(k)}</code></li>`);
  for (const k of c.classes.removed) out.push(`<li class="removed">class <code>${esc(k)}</code></li>`);
  out.push('</ul>');
  return out;
}

