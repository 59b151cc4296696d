// Checking many files (what `kasper parser validate` does): each file read, parsed, validated and,
// on a modulepath, checked for its place in its module; on several cores, in worker threads
// (check-worker.ts) beside the calling thread, which share one counter of the next file to take,
// so a folder of many small files is checked on every core and no thread waits for another's
// share. The results come back in the order of the files.
import { availableParallelism, loadavg } from 'node:os';
import { getCompileCacheDir } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from './diagnostics.ts';
import { formatDiagnostic, moduleFileNamespace, moduleLocationDiagnostics, parseFile } from './index.ts';

export interface CheckOptions {
  /** Module folders: a file under one must fit Puppet's module layout (moduleLocationDiagnostics). */
  modulepath: string[];
  /** Also give each file's diagnostics printed (with their caret snippets), as `printed`. */
  print: boolean;
  /**
   * How many threads may parse (the calling one included): KASPER_PARSER_THREADS, or by default
   * the machine's cores while they are not all busy already (the load average of the last minute
   * below their number: a worker costs its start and its own JIT warm-up, which only an idle
   * core repays). One for fewer than FEW_FILES files, where a worker would start too late.
   */
  threads?: number;
}

export interface FileCheck {
  file: string;
  /** Set when the file could not be read at all. */
  readError?: string;
  diagnostics: Diagnostic[];
  /** The diagnostics printed, each followed by a blank line (when asked for). */
  printed: string;
}

/**
 * Below this many files one thread checks them all; each further thread needs this many more. (A
 * worker starts in about 50 ms; the calling thread checks some hundred typical module files in
 * that time. Measured on Debian's module packages: 1,927 files, 5.8 MB, in about 120 ms warm.)
 */
const FEW_FILES = 64;

/** Reads and checks one file. */
export function checkFile(file: string, options: Pick<CheckOptions, 'modulepath' | 'print'>): FileCheck {
  const r = parseFile(file);
  if (!r.result) return { file, readError: r.readError, diagnostics: [], printed: '' };
  const result = r.result;
  // A module's file on the modulepath: Puppet's rules for its place (as its checker applies them).
  const diagnostics = options.modulepath.length
    ? [...result.diagnostics, ...moduleLocationDiagnostics(result, file, moduleFileNamespace(file, options.modulepath))]
    : result.diagnostics;
  let printed = '';
  if (options.print) for (const d of diagnostics) printed += formatDiagnostic(d, result.lineMap) + '\n\n';
  return { file, diagnostics, printed };
}

/** The worker module next to this one: .ts from the sources, .js from the emitted JavaScript. */
const WORKER = new URL(import.meta.url.endsWith('.ts') ? './check-worker.ts' : './check-worker.js', import.meta.url);

/** What the calling thread sends each worker. */
export interface CheckWork {
  files: string[];
  /** One Int32: the index of the next file to take. */
  next: SharedArrayBuffer;
  modulepath: string[];
  print: boolean;
  /** The compile cache of the calling thread, for the worker's own modules. */
  compileCache: string | undefined;
}

function threadCount(files: number, asked: number | undefined): number {
  const fromEnv = Number(process.env.KASPER_PARSER_THREADS);
  const cores = availableParallelism();
  const wanted = asked ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : loadavg()[0] < cores ? cores : 1);
  if (files < FEW_FILES) return 1;
  return Math.max(1, Math.min(wanted, Math.ceil(files / FEW_FILES)));
}

/** Checks every file, in worker threads as well when there are many; results in the order of `files`. */
export async function checkFiles(files: string[], options: CheckOptions): Promise<FileCheck[]> {
  const results: (FileCheck | undefined)[] = new Array(files.length);
  const threads = threadCount(files.length, options.threads);
  if (threads === 1) {
    for (let i = 0; i < files.length; i++) results[i] = checkFile(files[i], options);
    return results as FileCheck[];
  }
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  const work: CheckWork = { files, next, modulepath: options.modulepath, print: options.print, compileCache: getCompileCacheDir?.() };
  let missing = files.length;
  let running = threads - 1;
  let wake: (() => void) | null = null;
  const workers: Worker[] = [];
  for (let t = 1; t < threads; t++) {
    const worker = new Worker(WORKER, { workerData: work });
    worker.on('message', (batch: [number, FileCheck][]) => {
      for (const [i, r] of batch) {
        if (results[i] === undefined) missing--;
        results[i] = r;
      }
      if (missing === 0) wake?.();
    });
    // A worker that fails leaves its files to this thread (below): errors cost time, not results.
    worker.on('error', () => wake?.());
    worker.on('exit', () => {
      running--;
      wake?.();
    });
    workers.push(worker);
  }
  try {
    // This thread takes files too, from the same counter, while the workers start.
    for (;;) {
      const i = Atomics.add(counter, 0, 1);
      if (i >= files.length) break;
      results[i] = checkFile(files[i], options);
      missing--;
    }
    // Every file is taken now: wait for those the workers hold, or for the workers to end.
    while (missing > 0 && running > 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    for (const w of workers) void w.terminate();
  }
  for (let i = 0; i < files.length; i++) results[i] ??= checkFile(files[i], options);
  return results as FileCheck[];
}
