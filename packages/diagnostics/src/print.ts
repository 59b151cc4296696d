// The one printer: `file:line:column: severity: message [code]`, then the source line and a
// caret (with tildes for the span) under the spot; tabs kept in the gutter so it lines up.
import type { DiagnosticData } from './error.ts';

/** Source lines for carets: the text of the file, or a function that reads it (or not). */
export type SourceText = string | ((file: string) => string | undefined);

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
  const lineText = text?.split('\n')[l.line - 1]?.replace(/\r$/, '');
  if (lineText === undefined) return head;
  const gutter = `${l.line} | `;
  const pad = lineText.slice(0, l.column - 1).replace(/[^\t]/g, ' ');
  const width = l.endLine === l.line && l.endColumn !== undefined ? Math.max(1, l.endColumn - l.column) : 1;
  const caret = `^${'~'.repeat(Math.max(0, Math.min(width, lineText.length - l.column + 1) - 1))}`;
  return `${head}\n${gutter}${lineText}\n${' '.repeat(gutter.length)}${pad}${caret}`;
}
