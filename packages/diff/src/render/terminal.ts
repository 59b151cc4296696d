// Text for a terminal: colored when it is one, plain otherwise (the same words either way).
import type { ChangeSet, DiffReport } from '../model.ts';
import { describeCounts, describeParameter, edgeText, failureAt, headline, nodeList, plural, sideLabel, tagText, timingText, where } from './common.ts';

export function renderTerminal(r: DiffReport, color = false): string {
  const c = (code: string) => (s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const red = c('31');
  const green = c('32');
  const yellow = c('33');
  const cyan = c('36');
  const bold = c('1');
  const dim = c('2');
  const out: string[] = [];
  out.push(bold(`Catalog diff ${sideLabel(r.from)} → ${sideLabel(r.to)}, environment ${r.environment}`));
  out.push(headline(r));
  r.groups.forEach((g, i) => {
    out.push('');
    const who = `${plural(g.nodes.length, 'node')}: ${nodeList(g.nodes)}`;
    if (g.status === 'failed') out.push(red(bold(`✗ Group ${i + 1}, failed to compile — ${who}`)));
    else out.push(yellow(bold(`● Group ${i + 1}, ${describeCounts(g.counts)} — ${who}`)));
    out.push(...changeLines(g.changes, { red, green, yellow, cyan, dim }));
  });
  if (r.unchanged.length) {
    out.push('');
    out.push(dim(`Unchanged: ${plural(r.unchanged.length, 'node')} (${nodeList(r.unchanged)})`));
  }
  out.push('');
  out.push(dim(timingText(r)));
  return out.join('\n') + '\n';
}

type Paint = Record<'red' | 'green' | 'yellow' | 'cyan' | 'dim', (s: string) => string>;

function changeLines(c: ChangeSet, p: Paint): string[] {
  const out: string[] = [];
  for (const f of c.failures) {
    const at = f.file ? ` (${failureAt(f)})` : '';
    out.push(p.red(`  ${f.side === 'to' ? 'new code' : 'old code'}: ${f.message}${f.code ? ` [${f.code}]` : ''}${at}`));
  }
  for (const a of c.resources.added) out.push(p.green(`  + ${a.ref}`) + p.dim(atText(a.file, a.line)));
  for (const a of c.resources.removed) out.push(p.red(`  - ${a.ref}`) + p.dim(atText(a.file, a.line)));
  for (const ch of c.resources.changed) {
    out.push(p.yellow(`  ~ ${ch.ref}`) + p.dim(atText(ch.file, ch.line)));
    for (const param of ch.parameters) {
      out.push(`      ${describeParameter(param)}`);
      if (param.diff) {
        for (const line of param.diff.split('\n')) {
          const paint = line.startsWith('+++') || line.startsWith('---') ? p.dim : line.startsWith('+') ? p.green : line.startsWith('-') ? p.red : line.startsWith('@@') ? p.cyan : (s: string) => s;
          out.push(`        ${paint(line)}`);
        }
      }
    }
    if (ch.tags) {
      out.push(`      tags: ${tagText(ch.tags).join(' ')}`);
    }
  }
  for (const e of c.edges.added) out.push(p.green(`  + edge ${edgeText(e)}`));
  for (const e of c.edges.removed) out.push(p.red(`  - edge ${edgeText(e)}`));
  for (const k of c.classes.added) out.push(p.green(`  + class ${k}`));
  for (const k of c.classes.removed) out.push(p.red(`  - class ${k}`));
  return out;
}

function atText(file?: string, line?: number): string {
  const w = where(file, line);
  return w ? `  (${w})` : '';
}
