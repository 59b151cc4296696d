// What `kasper run` prints: a table of the nodes and where each is (redrawn in place on a
// terminal, a line per change otherwise), and the summary at the end.
import type { NodeProgress, RolloutResult } from './rollout.ts';

const PHASE_TEXT: Record<NodeProgress['phase'], string> = {
  waiting: 'waiting', before: 'before hook', running: 'running', checking: 'checking', after: 'after hook',
  done: 'done', failed: 'FAILED', untouched: 'untouched',
};

/** Text a node or a message can show on a terminal: no control characters. */
const safe = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');

function what(r: NodeProgress): string {
  const parts: string[] = [];
  if (r.outcome) parts.push(r.outcome === 'would change' ? `would change ${r.changed ?? 0}` : r.outcome === 'changed' ? `changed ${r.changed ?? 0}` : r.outcome);
  if (r.failedResources) parts.push(`${r.failedResources} resource(s) failed`);
  if (r.detail) parts.push(r.detail);
  return safe(parts.join(', '));
}

/** The table: batch, node, phase, what happened, time. */
export function progressTable(rows: readonly NodeProgress[]): string {
  const width = Math.max(4, ...rows.map((r) => r.node.length));
  const head = `${'batch'.padEnd(6)}${'node'.padEnd(width + 2)}${'phase'.padEnd(12)}${'time'.padStart(7)}  result`;
  const lines = rows.map((r) => `${String(r.batch).padEnd(6)}${safe(r.node).padEnd(width + 2)}${PHASE_TEXT[r.phase].padEnd(12)}${(r.seconds !== undefined ? `${r.seconds.toFixed(1)}s` : '').padStart(7)}  ${what(r)}`);
  return `${[head, ...lines].join('\n')}\n`;
}

/** One node's change, for logs and pipes: `[batch 1] web01.example.com: running`. */
export function progressLine(r: NodeProgress): string {
  const w = what(r);
  return `[batch ${r.batch}] ${safe(r.node)}: ${PHASE_TEXT[r.phase]}${w ? ` (${w})` : ''}\n`;
}

/** Prints the table in place on a terminal (cursor up over the last one), or lines otherwise. */
export class ProgressPrinter {
  private drawn = 0;
  private readonly write: (s: string) => void;
  private readonly tty: boolean;
  constructor(write: (s: string) => void, tty: boolean) {
    this.write = write;
    this.tty = tty;
  }
  progress(r: NodeProgress, all: readonly NodeProgress[]): void {
    if (!this.tty) {
      this.write(progressLine(r));
      return;
    }
    const table = progressTable(all);
    this.write(`${this.drawn ? `\u001b[${this.drawn}F\u001b[J` : ''}${table}`);
    this.drawn = table.split('\n').length - 1;
  }
  note(text: string): void {
    // A note goes above the table, which is drawn again below it on the next change.
    this.write(`${this.tty && this.drawn ? `\u001b[${this.drawn}F\u001b[J` : ''}${safe(text)}\n`);
    this.drawn = 0;
  }
}

/** The end: what ran, changed, failed (and why), and what was left untouched. */
export function summary(result: RolloutResult): string {
  const list = (names: string[]) => (names.length ? names.map(safe).join(', ') : '—');
  const failedWhy = result.nodes.filter((r) => r.phase === 'failed').map((r) => `  ${safe(r.node)}: ${safe(r.detail ?? 'failed')}\n`).join('');
  const unchanged = result.nodes.filter((r) => r.outcome === 'unchanged' && r.phase === 'done').map((r) => r.node);
  return `${progressTable(result.nodes)}\n`
    + `Rollout ${result.jobId}: ${result.stopped ? 'STOPPED' : result.failed.length ? 'finished with failures' : 'finished'}\n`
    + `  ran:       ${result.ran.length}  ${list(result.ran)}\n`
    + `  changed:   ${result.changed.length}  ${list(result.changed)}\n`
    + `  unchanged: ${unchanged.length}  ${list(unchanged)}\n`
    + `  failed:    ${result.failed.length}  ${list(result.failed)}\n${failedWhy}`
    + `  untouched: ${result.untouched.length}  ${list(result.untouched)}\n`;
}
