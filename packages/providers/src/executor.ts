// Every command a provider runs goes through one Executor: it logs, times, and can be replaced
// by a recorder in tests (the systemd provider is tested on recorded systemctl output, since
// systemd does not run as PID 1 on these machines).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  run(command: string, args: string[], options?: RunOptions): Promise<CommandResult>;
}

/**
 * What the process still has running, killed when it exits or is ended by a signal (a
 * `kasper apply` stopped with SIGTERM leaves no command of its run behind). The signal handlers
 * are there only while a command runs; when no one else listens for the signal, it is raised
 * again once the commands are killed, so the process ends as it would have.
 */
const running = new Set<ChildProcess>();
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
function killRunning(): void {
  for (const c of running) c.kill();
}
function onEndingSignal(signal: NodeJS.Signals): void {
  killRunning();
  if (process.listenerCount(signal) === 1) {
    stopTracking();
    process.kill(process.pid, signal);
  }
}
function startTracking(): void {
  process.on('exit', killRunning);
  for (const s of ENDING_SIGNALS) process.on(s, onEndingSignal);
}
function stopTracking(): void {
  process.off('exit', killRunning);
  for (const s of ENDING_SIGNALS) process.off(s, onEndingSignal);
}

/** The most output kept of a stream (characters); past it the command is ended and fails. */
const MAX_OUTPUT = 100_000_000;
/** A command still running this long after its timeout's SIGTERM gets SIGKILL. */
const FORCE_KILL_MS = 5000;

const SIGNAL_NAMES: Record<string, string> = {
  SIGHUP: 'Terminal closed', SIGINT: 'User interruption with CTRL-C', SIGQUIT: 'User interruption with CTRL-\\',
  SIGILL: 'Invalid machine instruction', SIGTRAP: 'Debugger breakpoint', SIGABRT: 'Aborted', SIGBUS: 'Bus error due to misaligned, non-existing address or paging error',
  SIGFPE: 'Floating point arithmetic error', SIGKILL: 'Forced termination', SIGUSR1: 'Application-specific signal', SIGSEGV: 'Segmentation fault',
  SIGUSR2: 'Application-specific signal', SIGPIPE: 'Broken pipe or socket', SIGALRM: 'Timeout or timer', SIGTERM: 'Termination',
};

/** A command line as error messages show it: words with spaces or quotes in single quotes. */
function shownCommand(command: string, args: string[]): string {
  return [command, ...args].map((w) => (/^[\w./:=@%+,-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)).join(' ');
}

/**
 * Runs commands for real, without a shell unless asked, never throwing for a non-zero exit.
 * On Node's child_process directly (no library: a run of packages and files spent about 20 ms
 * of its CPU loading and driving execa, which this replaced, to run one dpkg-query). A command
 * that cannot be started (not found, not executable, no such cwd) or is killed by a signal
 * answers 127 with why in its stderr; one past its timeout is sent SIGTERM (SIGKILL 5 s later)
 * and answers timedOut.
 */
export class SystemExecutor implements Executor {
  readonly history: { command: string; args: string[]; ms: number; exitCode: number }[] = [];

  async run(command: string, args: string[], options: RunOptions = {}): Promise<CommandResult> {
    const started = performance.now();
    const result = await new Promise<CommandResult>((resolve) => {
      let child: ChildProcess;
      const how = {
        cwd: options.cwd,
        env: { ...process.env, LANG: 'C', LC_ALL: 'C', ...options.env },
        uid: options.uid,
        gid: options.gid,
        stdio: 'pipe' as const,
      };
      try {
        // Through the shell: one command line, its words joined by spaces (as execa and Node's
        // own `shell` option join them).
        child = options.shell ? spawn([command, ...args].join(' '), [], { ...how, shell: '/bin/sh' }) : spawn(command, args, how);
      } catch (e) {
        // Options Node refuses before starting anything (a uid out of range).
        resolve({ exitCode: 127, stdout: '', stderr: `Command failed: ${shownCommand(command, args)}\n${(e as Error).message}`, timedOut: false });
        return;
      }
      if (running.size === 0) startTracking();
      running.add(child);
      const out: string[] = [];
      const err: string[] = [];
      let outLength = 0;
      let errLength = 0;
      let timedOut = false;
      let overflow: string | undefined;
      let spawnError: NodeJS.ErrnoException | undefined;
      let forceKill: NodeJS.Timeout | undefined;
      const timer = options.timeout ? setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        forceKill = setTimeout(() => child.kill('SIGKILL'), FORCE_KILL_MS);
        forceKill.unref();
      }, options.timeout * 1000) : undefined;
      const collect = (into: string[], which: 'stdout' | 'stderr') => (chunk: string) => {
        if (overflow) return;
        const length = (which === 'stdout' ? (outLength += chunk.length) : (errLength += chunk.length));
        if (length > MAX_OUTPUT) {
          overflow = `Command's ${which} was larger than ${MAX_OUTPUT} characters`;
          child.kill('SIGTERM');
          return;
        }
        into.push(chunk);
      };
      child.stdout!.setEncoding('utf8').on('data', collect(out, 'stdout'));
      child.stderr!.setEncoding('utf8').on('data', collect(err, 'stderr'));
      // A command that exits without reading its input is not an error of ours.
      child.stdin!.on('error', () => {});
      if (options.input !== undefined) child.stdin!.end(options.input);
      child.on('error', (e: NodeJS.ErrnoException) => {
        spawnError ??= e;
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(forceKill);
        running.delete(child);
        if (running.size === 0) stopTracking();
        const stdout = out.join('');
        const stderr = err.join('');
        const shown = shownCommand(command, args);
        if (spawnError && child.pid === undefined) {
          const cwdLine = spawnError.code === 'ENOENT' && options.cwd && !existsSync(options.cwd)
            ? `The "cwd" option is invalid: ${options.cwd}.\nENOENT: no such file or directory, stat '${options.cwd}'\n` : '';
          resolve({ exitCode: 127, stdout, stderr: `Command failed with ${spawnError.code ?? 'an error'}: ${shown}\n${cwdLine}${spawnError.message}`, timedOut: false });
          return;
        }
        if (overflow) {
          resolve({ exitCode: 127, stdout, stderr: `${overflow}: ${shown}`, timedOut });
          return;
        }
        if (typeof code === 'number') {
          resolve({ exitCode: code, stdout, stderr, timedOut });
          return;
        }
        // Ended by a signal: a timeout keeps its output; any other signal says which it was.
        const why = signal && SIGNAL_NAMES[signal] ? `${signal} (${SIGNAL_NAMES[signal]})` : String(signal);
        resolve({ exitCode: 127, stdout, stderr: timedOut ? stderr : `Command was killed with ${why}: ${shown}`, timedOut });
      });
    });
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
