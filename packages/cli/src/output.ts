// Where a command writes, and the exit code it settles on; tests capture it instead of the terminal.
// Every error the CLI prints goes through printError, with its code.
import { readFileSync } from 'node:fs';
import type { LogLevel } from '@kasper/catalog';
import { KasperError, formatDiagnostic, messageDef, type DiagnosticData } from '@kasper/diagnostics';
import { raise } from './messages.ts';
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  exitCode: number;
  isTTY: boolean;
}

export function createOutput(): Output {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    exitCode: 0,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

export function captureOutput(): Output & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    exitCode: 0,
    isTTY: false,
    stdout(t: string) { o.out += t; },
    stderr(t: string) { o.err += t; },
  };
  return o;
}

const LABEL: Record<LogLevel, string> = { debug: 'Debug', info: 'Info', notice: 'Notice', warning: 'Warning', err: 'Error' };

/**
 * A run's log lines as Puppet prints them (`Notice: /Stage[main]/…: …`): errors and warnings on
 * stderr, the rest on stdout, colored when asked; debug lines only go to the JSON log.
 */
export function printLog(out: Output, color: boolean): (level: LogLevel, source: string, message: string) => void {
  const paint = (level: LogLevel, s: string) => {
    const code = level === 'err' ? 31 : level === 'warning' ? 33 : level === 'notice' ? 36 : 0;
    return color && code ? `\u001b[${code}m${s}\u001b[0m` : s;
  };
  return (level, source, message) => {
    if (level === 'debug') return;
    const text = source === 'Kasper' ? message : `${source}: ${message}`;
    (level === 'err' || level === 'warning' ? out.stderr : out.stdout)(`${paint(level, `${LABEL[level]}: ${text}`)}\n`);
  };
}

/**
 * An error as data: a KasperError as it is; an error or warning that has a catalogue's code (a
 * process warning a package emitted, an error of a package not moved over yet: the compiler's)
 * with its code, severity and place; anything else under KSP-CLI-001.
 */
export function diagnosticOf(e: unknown): DiagnosticData {
  if (e instanceof KasperError) return e.toJSON();
  const coded = e as { code?: unknown; message?: unknown; location?: DiagnosticData['location'] | null };
  if (e instanceof Error && typeof coded.code === 'string' && /^KSP-[A-Z]+-\d{3}$/.test(coded.code)) {
    const severity = messageDef(coded.code)?.severity ?? 'error';
    return { code: coded.code, message: e.message, severity, ...(coded.location ? { location: coded.location } : {}) };
  }
  return raise('KSP-CLI-001', { message: e instanceof Error ? e.message : String(e) }).toJSON();
}

/**
 * Prints an error with the one printer (@kasper/diagnostics' formatDiagnostic): `FILE:LINE:COLUMN:
 * error: MESSAGE [CODE]` with the line and a caret when it has a place, else `kasper COMMAND:
 * error: MESSAGE [CODE]`. An error sets the exit status to 1. `safe` rewrites the message first
 * (text from a CSR must not reach the terminal raw).
 */
export function printError(out: Output, command: string | undefined, e: unknown, safe?: (message: string) => string): void {
  const d = diagnosticOf(e);
  const shown = safe ? { ...d, message: safe(d.message) } : d;
  const prefix = d.location ? '' : `kasper${command ? ` ${command}` : ''}: `;
  out.stderr(`${prefix}${formatDiagnostic(shown, (file) => readFileSync(file, 'utf8'))}\n`);
  if (d.severity === 'error') out.exitCode = 1;
}

/**
 * Process warnings through the same printer: a package's coded warning (an external fact file
 * that cannot be read) as `kasper COMMAND: warning: MESSAGE [CODE]`; others as Node prints them.
 * Replaces Node's own printer, so it is for the `kasper` process (bin/kasper.js), not for tests
 * that run `main` in theirs.
 */
export function printWarnings(out: Output, command: string | undefined): void {
  process.removeAllListeners('warning');
  process.on('warning', (w: Error & { code?: unknown }) => {
    if (typeof w.code === 'string' && messageDef(w.code)) printError(out, command, w);
    else out.stderr(`(node:${process.pid}) ${typeof w.code === 'string' ? `[${w.code}] ` : ''}${w.name}: ${w.message}\n`);
  });
}
