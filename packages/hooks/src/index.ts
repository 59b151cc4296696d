// Executables an operator plugs in — an autosign policy, an external node classifier — run on
// behalf of requests from the network, so none may outlive its answer or starve the server:
// each runs detached in a process group of its own, gets SIGTERM then SIGKILL as a group on
// timeout, has whatever it left running killed when it exits, and at most a few run at once.
import { spawn } from 'node:child_process';

export interface HookOptions {
  /** Written to the executable's standard input. */
  stdin?: string;
  timeoutMs: number;
  /** Keep standard output, up to this many bytes (more is an error). Default: discard it. */
  maxOutputBytes?: number;
  /** Keep standard error too, in the same output (what an operator's command says when it fails). */
  keepStderr?: boolean;
  /** Added to the environment the executable inherits. */
  env?: Record<string, string>;
}

export interface HookResult {
  /** Exit code, or null when killed. */
  code: number | null;
  stdout: string;
  /** Why it ended, for logs and answers: `exited 0`, `timed out after 30 s`, `could not run: …`. */
  reason: string;
  timedOut: boolean;
}

/** Runs `exe args…` under the rules above. Never rejects: a failure to run is a result too. */
export function runHook(exe: string, args: string[], options: HookOptions): Promise<HookResult> {
  return new Promise((resolve) => {
    let done = false;
    let timedOut = false;
    let kill: NodeJS.Timeout | undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    const keep = options.maxOutputBytes !== undefined;
    const keepErr = keep && options.keepStderr === true;
    const child = spawn(exe, args, {
      detached: true, stdio: ['pipe', keep ? 'pipe' : 'ignore', keepErr ? 'pipe' : 'ignore'],
      env: options.env ? { ...process.env, ...options.env } : undefined,
    });
    const signalGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch { /* the group is gone */ }
    };
    const finish = (code: number | null, reason: string) => {
      if (done) return;
      done = true;
      clearTimeout(term);
      clearTimeout(kill);
      signalGroup('SIGKILL');
      const why = timedOut ? `timed out after ${options.timeoutMs / 1000} s` : overflow ? `wrote more than ${options.maxOutputBytes} bytes` : reason;
      resolve({ code: timedOut || overflow ? null : code, stdout: Buffer.concat(chunks).toString('utf8'), reason: why, timedOut });
    };
    const take = (d: Buffer) => {
      size += d.length;
      if (size > options.maxOutputBytes!) {
        overflow = true;
        signalGroup('SIGKILL');
        return;
      }
      chunks.push(d);
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    child.on('error', (e) => finish(null, `could not run: ${e.message}`));
    child.on('close', (code, signal) => finish(code, code !== null ? `exited ${code}` : `killed by ${signal}`));
    const term = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      kill = setTimeout(() => signalGroup('SIGKILL'), Math.min(2000, options.timeoutMs));
    }, options.timeoutMs);
    child.stdin!.on('error', () => { /* an executable that does not read its stdin */ });
    child.stdin!.end(options.stdin ?? '');
  });
}

/** At most `size` tasks at once; more than `queue` waiting are turned away (undefined). */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  readonly size: number;
  readonly queue: number;
  constructor(size: number, queue: number) {
    this.size = size;
    this.queue = queue;
  }
  async run<T>(task: () => Promise<T>): Promise<T | undefined> {
    if (this.running >= this.size) {
      if (this.waiting.length >= this.queue) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // The slot passes straight to the next in line, if any.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
