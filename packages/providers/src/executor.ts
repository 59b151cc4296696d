// Every command a provider runs goes through one Executor: it logs, times, and can be replaced
// by a recorder in tests (the systemd provider is tested on recorded systemctl output, since
// systemd does not run as PID 1 on these machines).
import { raise } from './messages.ts';

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Whether the command ran out of its time limit. */
  timedOut: boolean;
}

export interface RunOptions {
  /** Run through /bin/sh -c (only when the caller asks: exec's `provider => shell`). */
  shell?: boolean;
  cwd?: string;
  env?: Record<string, string>;
  /** Seconds; 0 or undefined means none. */
  timeout?: number;
  /** Run as this user (uid) and group (gid). */
  uid?: number;
  gid?: number;
  input?: string;
}

export interface Executor {
  /** Commands run on this machine: a provider may read the files they would read instead (dpkg's status). */
  readonly local?: boolean;
  run(command: string, args: string[], options?: RunOptions): Promise<CommandResult>;
}

/** Runs commands for real, without a shell unless asked, never throwing for a non-zero exit. */
export class SystemExecutor implements Executor {
  readonly local = true;
  readonly history: { command: string; args: string[]; ms: number; exitCode: number }[] = [];

  async run(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
    const started = performance.now();
    // execa (a hundred modules) is loaded on the first command a provider runs: start-up.
    const { execa } = await import('execa');
    const r = await execa(command, args, {
      reject: false,
      shell: options.shell ? '/bin/sh' : false,
      cwd: options.cwd,
      env: { LANG: 'C', LC_ALL: 'C', ...options.env },
      extendEnv: true,
      timeout: options.timeout ? options.timeout * 1000 : undefined,
      uid: options.uid,
      gid: options.gid,
      input: options.input,
      stripFinalNewline: false,
      all: false,
    });
    const result: CommandResult = {
      exitCode: typeof r.exitCode === 'number' ? r.exitCode : (r.failed ? 127 : 0),
      stdout: String(r.stdout ?? ''),
      stderr: String(r.stderr ?? (r.failed && !r.timedOut ? (r as { shortMessage?: string }).shortMessage ?? '' : '')),
      timedOut: Boolean(r.timedOut),
    };
    if (r.failed && r.exitCode === undefined && !r.timedOut) {
      result.exitCode = 127;
      result.stderr = (r as { shortMessage?: string }).shortMessage ?? 'could not run the command';
    }
    this.history.push({ command, args, ms: performance.now() - started, exitCode: result.exitCode });
    return result;
  }
}

/** Replays recorded results for matching commands: for tests of providers whose tools are absent. */
export class RecordedExecutor implements Executor {
  readonly calls: string[] = [];
  private readonly responses: { match: (line: string) => boolean; result: Partial<CommandResult> }[] = [];

  on(match: string | RegExp, result: Partial<CommandResult>): this {
    const test = typeof match === 'string' ? (l: string) => l === match : (l: string) => match.test(l);
    this.responses.push({ match: test, result });
    return this;
  }

  async run(command: string, args: string[]): Promise<CommandResult> {
    const line = [command, ...args].join(' ');
    this.calls.push(line);
    const hit = this.responses.find((r) => r.match(line));
    if (!hit) return { exitCode: 127, stdout: '', stderr: `no recorded result for: ${line}`, timedOut: false };
    return { exitCode: 0, stdout: '', stderr: '', timedOut: false, ...hit.result };
  }
}

/** Throws with the command's output when it failed: for providers whose commands must succeed. */
export async function runChecked(exec: Executor, command: string, args: string[], options?: RunOptions): Promise<CommandResult> {
  const r = await exec.run(command, args, options);
  if (r.exitCode !== 0) {
    const out = (r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n');
    throw raise('KSP-PROVIDERS-029', { command: [command, ...args].join(' '), status: r.exitCode, output: out });
  }
  return r;
}
