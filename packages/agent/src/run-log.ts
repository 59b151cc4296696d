// A run's log file (the `logdest` setting): one JSON object a line, in pino's shape
// (`{"level":30,"time":…,"command":"agent","source":"Kasper","msg":"…"}`, levels 30 info, 40 warn,
// 50 error; debug lines are not kept), appended with one write a line. Written here rather than
// through pino: a run writes a few lines, and pino brought its worker-thread transport and
// serializers into every command that applies and into the agent daemon (about 3 MiB each,
// docs/performance.md). Apart from apply.ts so that the daemon's supervisor loads nothing of the
// transaction.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogLevel } from '@kasper/catalog';

export interface RunLog {
  (level: LogLevel, source: string, message: string, fields?: Record<string, unknown>): void;
}

const PINO_LEVEL: Record<LogLevel, number> = { debug: 20, info: 30, notice: 30, warning: 40, err: 50 };

/** A run's log as JSON lines, appended to `file`: what `logdest` names. */
export function openRunLog(file: string, command: string): RunLog {
  mkdirSync(dirname(file), { recursive: true });
  return (level, source, message, fields) => {
    const n = PINO_LEVEL[level];
    if (n < 30) return;
    const line = `${JSON.stringify({ level: n, time: Date.now(), command, source, ...fields, msg: message })}\n`;
    // Opened for each line (O_APPEND: lines of the daemon and its run processes never interleave
    // within a line), so a log rotated away is followed by a new file, and no descriptor stays open.
    const fd = openSync(file, 'a');
    try {
      writeSync(fd, line);
    } finally {
      closeSync(fd);
    }
  };
}
