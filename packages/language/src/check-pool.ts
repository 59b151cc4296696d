// The worker threads of checkFiles (check-files.ts), started as early as a command can: this
// module imports nothing of the parser, so `kasper parser validate` starts its workers before the
// calling thread loads the parser or lists the files, and a worker's start (a thread, Node's
// bootstrap, the parser's modules: about 35 ms) overlaps the calling thread's own.
import { availableParallelism, loadavg } from 'node:os';
import { readFileSync, statSync } from 'node:fs';
import { getCompileCacheDir } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Worker } from 'node:worker_threads';

/**
 * Below this many files one thread checks them all; each further thread needs this many more. (A
 * worker starts in about 35 ms; the calling thread checks some hundred typical module files in
 * that time. Measured on Debian's module packages: 1,920 files, 5.8 MB, in about 120 ms warm.)
 */
export const FEW_FILES = 64;

/** What a worker is given when it starts (workerData). */
export interface CheckWorkerData {
  /** One Int32: the index of the next file to take, shared by every thread. */
  next: SharedArrayBuffer;
  /** The compile cache of the calling thread, for the worker's own modules (not inherited). */
  compileCache: string | undefined;
  /**
   * Two Int32: how many workers have started (Node's bootstrap done), and 1 once the calling
   * thread's V8 flags are back (see startCheckWorkers), before which a worker loads no module.
   */
  boot: SharedArrayBuffer;
  /** The calling thread's V8 flags set at run time, which are the worker's too once set back (bin/kasper.js). */
  flags: string[];
}

/** What a worker is sent once the files are known (one message). */
export interface CheckWork {
  files: string[];
  modulepath: string[];
  print: boolean;
}

export interface CheckPool {
  next: SharedArrayBuffer;
  workers: Worker[];
  /**
   * Sets the process's V8 flags back once `workers` of them have started (or at once with
   * `now`); cheap: the calling thread calls it after each file it checks.
   */
  settle(workers: number, now?: boolean): void;
}

/** The V8 flags the kasper command set at run time (bin/kasper.js), such as --no-turbofan. */
const runtimeFlags = (): string[] => ((globalThis as Record<symbol, unknown>)[Symbol.for('kasper.v8Flags')] as string[] | undefined) ?? [];

/** The worker module next to this one: .ts from the sources, .js from the emitted JavaScript. */
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './check-worker.ts' : './check-worker.js', import.meta.url);

/**
 * How many threads may parse (the calling one included): KASPER_PARSER_THREADS, or the cores
 * no other work is running on, less one. Linux tells how many tasks are runnable now
 * (/proc/loadavg's fourth field, this thread among them): a core is taken when that many others
 * run; a load average alone lags a minute behind (on an otherwise idle machine, a loop of these
 * very commands raises it to the number of cores). The 1-minute average below cores - 1 also
 * counts as a free core: a momentary task of a few milliseconds is no reason to do without one.
 * Elsewhere, the load average below the number of cores.
 *
 * Less one: one core is V8's, whose helper threads (garbage collection, Maglev's compiles) keep
 * a second core busy for a third of the parse already. On 2 cores, with this process run ahead
 * of the others (nice -20, the nearest to an idle machine measurable here), the 1,920 files of
 * Debian's modules took 200 ms on one thread (260 ms of CPU) and 250–260 ms on two (420 ms of
 * CPU): a worker costs its start (30 ms of CPU) and its own cold JIT, and takes the core the
 * helper threads used. So 2 cores parse on one thread; 4 idle cores on three.
 */
export function parserThreads(): number {
  const fromEnv = Number(process.env.KASPER_PARSER_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  const cores = availableParallelism();
  const average = loadavg()[0];
  let running: number | undefined;
  try {
    running = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3]?.split('/')[0]);
  } catch {
    // not Linux
  }
  if (running === undefined || !Number.isInteger(running) || running < 1) return average < cores ? Math.max(1, cores - 1) : 1;
  const free = Math.max(cores - running, average < cores - 1 ? 1 : 0);
  return Math.max(1, Math.min(cores - 1, free));
}

/** Threads for this many files: one below FEW_FILES, one more per FEW_FILES, up to `wanted`. */
export function threadsFor(files: number, wanted: number): number {
  if (files < FEW_FILES) return 1;
  return Math.max(1, Math.min(wanted, Math.ceil(files / FEW_FILES)));
}

/**
 * Starts `count` workers, which load the parser and wait for their work (see checkFiles).
 *
 * A worker is a new V8 isolate in which Node bootstraps itself from its built-in code cache,
 * which V8 refuses under V8 flags other than those Node was started with: the kasper command's
 * --no-turbofan (set at run time, bin/kasper.js) made a worker's start cost 50 ms of CPU instead
 * of 24. So those flags are set back to V8's defaults while the workers bootstrap, and set again
 * (settle) once they all have, before they load any of Kasper's modules, which are then compiled
 * (and taken from the compile cache) under the same flags as in the calling thread. (V8 flags are
 * the process's: the calling thread runs those few milliseconds with TurboFan allowed.)
 */
export function startCheckWorkers(count: number): CheckPool {
  const flags = runtimeFlags().filter((f) => f.startsWith('--no-'));
  const boot = new Int32Array(new SharedArrayBuffer(8));
  const data: CheckWorkerData = { next: new SharedArrayBuffer(4), compileCache: getCompileCacheDir?.(), boot: boot.buffer as SharedArrayBuffer, flags: runtimeFlags() };
  let settled = flags.length === 0;
  if (settled) boot[1] = 1;
  else for (const f of flags) setFlagsFromString(`--${f.slice('--no-'.length)}`);
  const workers: Worker[] = [];
  // (Loaded here, not by an import: node:worker_threads and what it needs are compiled from their
  // source after the command has set its V8 flags, ~3 ms, which a parse on one thread never needs.)
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  for (let t = 0; t < count; t++) {
    // Not holding the process open until checkFiles gives it work (an error before that ends
    // the command all the same).
    const worker = new Worker(WORKER, { workerData: data });
    worker.unref();
    workers.push(worker);
  }
  const settle = (wanted: number, now = false) => {
    if (settled || (!now && Atomics.load(boot, 0) < wanted)) return;
    settled = true;
    for (const f of flags) setFlagsFromString(f);
    Atomics.store(boot, 1, 1);
    Atomics.notify(boot, 1);
  };
  return { next: data.next, workers, settle };
}

/**
 * Workers for checking what `paths` (files and folders) hold, started before they are listed:
 * none for fewer than FEW_FILES files and no folder among them. Too many for the files found are
 * ended by checkFiles.
 */
export function startCheckWorkersFor(paths: string[]): CheckPool | undefined {
  let many = paths.length >= FEW_FILES;
  for (let i = 0; !many && i < paths.length; i++) {
    try {
      many = statSync(paths[i]).isDirectory();
    } catch {
      // reported when listed
    }
  }
  const threads = many ? parserThreads() : 1;
  return threads > 1 ? startCheckWorkers(threads - 1) : undefined;
}
