// Where a command writes, and the exit code it settles on; tests capture it instead of the terminal.
import type { LogLevel } from '@kasper/catalog';
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
