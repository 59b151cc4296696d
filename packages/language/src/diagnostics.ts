// Diagnostics are data: a stable code, a message, and where it happened.
// Printing (with the caret snippet) is separate so tools can reuse the data.

export type Severity = 'error' | 'warning';

export interface SourcePosition {
  /** 0-based character offset into the source text. */
  offset: number;
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in characters. */
  column: number;
}

export interface Diagnostic {
  /** Stable identifier, e.g. KSP-PARSE-001 (see docs/errors.md). */
  code: string;
  severity: Severity;
  message: string;
  file: string;
  start: SourcePosition;
  end: SourcePosition;
}

/** Where an error code is documented. */
export const DIAGNOSTIC_CODES = {
  'KSP-LEX-001': 'unterminated string, regex, comment or heredoc',
  'KSP-LEX-002': 'a character that cannot start any token',
  'KSP-LEX-003': 'malformed number',
  'KSP-LEX-004': 'malformed heredoc tag',
  'KSP-LEX-005': 'malformed variable name',
  'KSP-PARSE-001': 'unexpected token',
  'KSP-PARSE-002': 'unexpected end of input',
  'KSP-PARSE-003': 'expressions nested too deeply',
  'KSP-VALID-001': 'expression used where it cannot be',
  'KSP-VALID-002': 'illegal assignment target',
  'KSP-VALID-003': 'illegal name for a definition',
  'KSP-VALID-004': 'arguments given to something that is not a function',
  'KSP-VALID-005': 'duplicate name',
  'KSP-VALID-006': 'reserved word used as a name',
  'KSP-VALID-007': 'illegal parameter',
  'KSP-VALID-008': 'illegal attribute operation',
  'KSP-VALID-009': 'illegal placement of a definition',
  'KSP-VALID-010': 'illegal expression in this position',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Computes 1-based line/column for offsets; built once per source text. */
export class LineMap {
  readonly lineStarts: number[];
  readonly text: string;
  constructor(text: string) {
    this.text = text;
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
  }
  /** The line searched last: tokens arrive in order, so most look-ups hit it or the next one. */
  private cursor = 0;

  position(offset: number): SourcePosition {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const starts = this.lineStarts;
    const c = this.cursor;
    if (starts[c] <= o && (c + 1 >= starts.length || o < starts[c + 1])) {
      return { offset: o, line: c + 1, column: o - starts[c] + 1 };
    }
    if (c + 1 < starts.length && starts[c + 1] <= o && (c + 2 >= starts.length || o < starts[c + 2])) {
      this.cursor = c + 1;
      return { offset: o, line: c + 2, column: o - starts[c + 1] + 1 };
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    this.cursor = lo;
    return { offset: o, line: lo + 1, column: o - this.lineStarts[lo] + 1 };
  }
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

/**
 * `file:line:column: message`, then the source line and a caret under the spot.
 * Tabs are kept in the gutter so the caret lines up in a terminal.
 */
export function formatDiagnostic(d: Diagnostic, source: string | LineMap): string {
  const map = typeof source === 'string' ? new LineMap(source) : source;
  const head = `${d.file}:${d.start.line}:${d.start.column}: ${d.severity}: ${d.message} [${d.code}]`;
  const lineText = map.lineText(d.start.line);
  if (lineText.length === 0 && d.start.line > map.lineStarts.length) return head;
  const gutter = `${d.start.line} | `;
  const pad = lineText.slice(0, d.start.column - 1).replace(/[^\t]/g, ' ');
  const width = d.end.line === d.start.line ? Math.max(1, d.end.column - d.start.column) : 1;
  const caret = '^' + (width > 1 ? '~'.repeat(Math.min(width, lineText.length - d.start.column + 1) - 1) : '');
  return `${head}\n${gutter}${lineText}\n${' '.repeat(gutter.length)}${pad}${caret}`;
}
