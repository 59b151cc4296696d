// What every format shares: how values and node lists read, and the headline.
import type { ChangeCounts, CompileFailure, DiffReport, EdgeEntry, JsonValue, ParameterChange, ResourceChange } from '../model.ts';

/** A value the way Puppet code writes it: 'text', [a, b], {k => v}. */
export function formatValue(v: JsonValue | undefined): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(formatValue).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${formatValue(k)} => ${formatValue(x)}`).join(', ')}}`;
  return v === null ? 'undef' : String(v);
}

/** One line for a parameter change; multi-line text is left to its diff. */
export function describeParameter(p: ParameterChange): string {
  if (p.sensitive) return `${p.name}: (sensitive value ${p.status})`;
  const short = (v: JsonValue | undefined) => (typeof v === 'string' && v.includes('\n') ? `(${plural(lineCount(v), 'line')} of text)` : clip(formatValue(v)));
  if (p.sourceContentChanged) return `${p.name}: ${short(p.to)} (the file it serves changed)`;
  if (p.status === 'added') return `${p.name}: ${short(p.to)} (added)`;
  if (p.status === 'removed') return `${p.name}: ${short(p.from)} (removed)`;
  return `${p.name}: ${short(p.from)} → ${short(p.to)}`;
}

function clip(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** `web1, web2, web3 and 72 more`. */
export function nodeList(nodes: string[], max = 10): string {
  return nodes.length <= max ? nodes.join(', ') : `${nodes.slice(0, max).join(', ')} and ${nodes.length - max} more`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function describeCounts(c: ChangeCounts): string {
  const parts: string[] = [];
  if (c.added) parts.push(`${c.added} added`);
  if (c.removed) parts.push(`${c.removed} removed`);
  if (c.changed) parts.push(`${c.changed} changed`);
  if (c.edges) parts.push(plural(c.edges, 'edge change'));
  if (c.classes) parts.push(plural(c.classes, 'class change'));
  return parts.join(', ') || 'no changes';
}

export function sideLabel(s: { ref: string; resolved: string }): string {
  if (s.ref === s.resolved) return s.ref;
  return /^[0-9a-f]{40}$/.test(s.resolved) ? `${s.ref} (${s.resolved.slice(0, 10)})` : `${s.ref} (${s.resolved})`;
}

export function headline(r: DiffReport): string {
  const s = r.summary;
  const parts: string[] = [];
  if (s.failed) parts.push(`${s.failed} failed to compile`);
  parts.push(`${s.changed} changed`, `${s.unchanged} unchanged`);
  return `${plural(s.nodes, 'node')}: ${parts.join(', ')}`;
}

export function where(file?: string, line?: number): string {
  return file ? `${file}${line !== undefined ? `:${line}` : ''}` : '';
}

/** Lines as an editor counts them: a final newline ends the last line, it does not start one. */
export function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const ARROW: Record<EdgeEntry['kind'], string> = { before: '->', notify: '~>', contains: 'contains' };

/** `Package[curl] -> Service[cron]`, as Puppet code writes a relationship. */
export function edgeText(e: EdgeEntry): string {
  return `${e.source} ${ARROW[e.kind]} ${e.target}`;
}

/** `+new -old`. */
export function tagText(tags: NonNullable<ResourceChange['tags']>): string[] {
  return [...tags.added.map((t) => `+${t}`), ...tags.removed.map((t) => `-${t}`)];
}

/** `file:line:column` of a compile failure, or '' when it has no place. */
export function failureAt(f: CompileFailure): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''}` : '';
}

export function timingText(r: DiffReport): string {
  return `Compiled in ${(r.timing.compileMs / 1000).toFixed(1)} s of CPU, compared in ${(r.timing.diffMs / 1000).toFixed(2)} s, ${(r.timing.wallMs / 1000).toFixed(1)} s in all.`;
}
