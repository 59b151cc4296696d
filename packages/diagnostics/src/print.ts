// The one printer: `file:line:column: severity: message [code]`, then the source line and a
// caret (with tildes for the span) under the spot; tabs kept in the gutter so it lines up. A
// line too long to read (generated code, a minified template, a 20,000-term expression) is shown
// as an excerpt around the spot, `…` marking what is left out.
import type { DiagnosticData } from './error.ts';

/** Source lines for carets: the text of the file, or a function that reads it (or not). */
export type SourceText = string | ((file: string) => string | undefined);

/** Lines longer than this are shown as an excerpt: this many characters either side of the spot. */
const LONGEST_SHOWN = 160;
const AROUND = 60;

/** Line n (from 1) of a text, without its line break; found without splitting the whole text. */
function lineOf(text: string, n: number): string | undefined {
  let start = 0;
  for (let i = 1; i < n; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}

export function formatDiagnostic(d: DiagnosticData, source?: SourceText): string {
  const l = d.location;
  const head = `${l ? `${l.file}:${l.line}:${l.column}: ` : ''}${d.severity}: ${d.message} [${d.code}]`;
  if (!l || source === undefined) return head;
  let text: string | undefined;
  try {
    text = typeof source === 'string' ? source : source(l.file);
  } catch {
    text = undefined;
  }
  const full = text === undefined ? undefined : lineOf(text, l.line);
  if (full === undefined) return head;
  const gutter = `${l.line} | `;
  let width = l.endLine === l.line && l.endColumn !== undefined ? Math.max(1, l.endColumn - l.column) : 1;
  let lineText = full;
  let column = l.column;
  if (full.length > LONGEST_SHOWN) {
    width = Math.min(width, AROUND);
    const from = Math.max(0, l.column - 1 - AROUND);
    const to = Math.min(full.length, l.column - 1 + width + AROUND);
    const before = from > 0 ? '…' : '';
    lineText = `${before}${full.slice(from, to)}${to < full.length ? '…' : ''}`;
    column = l.column - from + before.length;
  }
  const pad = lineText.slice(0, column - 1).replace(/[^\t]/g, ' ');
  const caret = `^${'~'.repeat(Math.max(0, Math.min(width, lineText.length - column + 1) - 1))}`;
  return `${head}\n${gutter}${lineText}\n${' '.repeat(gutter.length)}${pad}${caret}`;
}
