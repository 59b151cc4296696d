// Diagnostics are data: a stable code from the catalogue (messages.ts), a message, and where it
// happened, as character offsets for the parser's own use. Printing (with the caret snippet) is
// @kasper/diagnostics' one printer, so tools can reuse the data.
import { formatDiagnostic as printDiagnostic, type DiagnosticData } from '@kasper/diagnostics';
import type { LanguageCode } from './messages.ts';

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

/** A code of the language's catalogue (messages.ts), documented in docs/errors.md. */
export type DiagnosticCode = LanguageCode;

/** Computes 1-based line/column for offsets; built once per source text. */
export class LineMap {
  readonly text: string;
  private starts: number[] | null = null;
  constructor(text: string) {
    this.text = text;
  }
  /**
   * Where each line starts, found when first asked for: a valid file is parsed and checked
   * without a line number (the tree holds offsets), and scanning a big file for its lines costs
   * about 1 ms in 27,000 lines.
   */
  get lineStarts(): number[] {
    if (this.starts !== null) return this.starts;
    const text = this.text;
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return (this.starts = starts);
  }
  /** The line searched last: tokens arrive in order, so most look-ups hit it or the next one. */
  private cursor = 0;

  /**
   * The 0-based index of the line holding `offset` (an offset inside the text), allocating
   * nothing: the lexer asks this for every token, in order.
   */
  lineIndex(offset: number): number {
    const starts = this.lineStarts;
    let c = this.cursor;
    if (starts[c] <= offset) {
      // forwards from the last line found, a few lines at most between two tokens
      const last = starts.length - 1;
      for (let i = 0; i < 8; i++) {
        if (c === last || offset < starts[c + 1]) {
          this.cursor = c;
          return c;
        }
        c++;
      }
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.cursor = lo;
    return lo;
  }

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

/** The diagnostic in @kasper/diagnostics' shape: its place as line and column, spanning to its end. */
export function toDiagnosticData(d: Diagnostic): DiagnosticData {
  return {
    code: d.code, message: d.message, severity: d.severity,
    location: { file: d.file, line: d.start.line, column: d.start.column, endLine: d.end.line, endColumn: d.end.column },
  };
}

/**
 * `file:line:column: severity: message [code]`, then the source line and a caret under the spot,
 * printed by @kasper/diagnostics' one printer.
 */
export function formatDiagnostic(d: Diagnostic, source: string | LineMap): string {
  return printDiagnostic(toDiagnosticData(d), typeof source === 'string' ? source : source.text);
}
