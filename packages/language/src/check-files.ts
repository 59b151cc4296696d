// Checking many files (what `kasper parser validate` does): each file read, parsed, validated and,
// on a modulepath, checked for its place in its module; on several cores, in worker threads
// (check-worker.ts) beside the calling thread, which share one counter of the next file to take,
// so a folder of many small files is checked on every core and no thread waits for another's
// share. The results come back in the order of the files.
import { readFileSync, statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { parserThreads, startCheckWorkers, threadsFor, type CheckPool, type CheckWork } from './check-pool.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { ParseResult } from './index.ts';
import { collectSourceFiles, formatDiagnostic, moduleFileNamespace, moduleLocationDiagnostics, parseFile, parseSource } from './index.ts';

export interface CheckOptions {
  /** Module folders: a file under one must fit Puppet's module layout (moduleLocationDiagnostics). */
  modulepath: string[];
  /** Also give each file's diagnostics printed (with their caret snippets), as `printed`. */
  print: boolean;
  /**
   * How many threads may parse (the calling one included): by default parserThreads() (check-pool.ts:
   * KASPER_PARSER_THREADS, or the idle cores less one, which V8's helper threads use: a worker
   * costs its start and its own JIT warm-up, which only a core idle otherwise repays). One for fewer than FEW_FILES files, where a worker
   * would start too late.
   */
  threads?: number;
  /**
   * Workers started already (startCheckWorkersFor, before the files were listed): used instead
   * of starting others, those beyond what the files need ended.
   */
  pool?: CheckPool;
}

export interface FileCheck {
  file: string;
  /** Set when the file could not be read at all. */
  readError?: string;
  diagnostics: Diagnostic[];
  /** The diagnostics printed, each followed by a blank line (when asked for). */
  printed: string;
}

/** Reads and checks one file. */
export function checkFile(file: string, options: Pick<CheckOptions, 'modulepath' | 'print'>): FileCheck {
  const r = parseFile(file);
  if (!r.result) return { file, readError: r.readError, diagnostics: [], printed: '' };
  return checkParsed(file, r.result, options);
}

function checkParsed(file: string, result: ParseResult, options: Pick<CheckOptions, 'modulepath' | 'print'>): FileCheck {
  // A module's file on the modulepath: Puppet's rules for its place (as its checker applies them).
  const diagnostics = options.modulepath.length
    ? [...result.diagnostics, ...moduleLocationDiagnostics(result, file, moduleFileNamespace(file, options.modulepath))]
    : result.diagnostics;
  let printed = '';
  if (options.print) for (const d of diagnostics) printed += formatDiagnostic(d, result.lineMap) + '\n\n';
  return { file, diagnostics, printed };
}

/** Checks every file, in worker threads as well when there are many; results in the order of `files`. */
export async function checkFiles(files: string[], options: CheckOptions): Promise<FileCheck[]> {
  const results: (FileCheck | undefined)[] = new Array(files.length);
  const threads = threadsFor(files.length, options.threads ?? (options.pool ? options.pool.workers.length + 1 : parserThreads()));
  const pool = options.pool ?? (threads > 1 ? startCheckWorkers(threads - 1) : undefined);
  const workers: Worker[] = pool ? pool.workers.slice(0, threads - 1) : [];
  for (const w of pool?.workers.slice(threads - 1) ?? []) void w.terminate();
  if (workers.length === 0) {
    pool?.settle(0, true);
    for (let i = 0; i < files.length; i++) results[i] = checkFile(files[i], options);
    return results as FileCheck[];
  }
  const counter = new Int32Array(pool!.next);
  const work: CheckWork = { files, modulepath: options.modulepath, print: options.print };
  let missing = files.length;
  let running = workers.length;
  let wake: (() => void) | null = null;
  for (const worker of workers) {
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
    worker.ref();
    worker.postMessage(work);
  }
  try {
    // This thread takes files too, from the same counter, while the workers start.
    for (;;) {
      const i = Atomics.add(counter, 0, 1);
      if (i >= files.length) break;
      results[i] = checkFile(files[i], options);
      missing--;
      pool!.settle(workers.length);
    }
    pool!.settle(workers.length, true);
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

/**
 * What collectSourceFiles and then checkFiles on one thread give for `paths` (files and folders),
 * without a stat of each path before it is read: a path is read first, and only one that cannot
 * be read is looked at (missing, a folder to search, or a file whose read error is its result),
 * as collectSourceFiles would have found it. A command given 1,920 files makes 1,920 system calls
 * fewer (about 4 ms of `kasper parser validate`'s main thread, docs/performance.md, parser).
 */
export function checkPathsOnOneThread(
  paths: string[],
  options: Pick<CheckOptions, 'modulepath' | 'print'>,
): { files: string[]; missing: string[]; results: FileCheck[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const results: FileCheck[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      let folder: boolean;
      try {
        folder = statSync(path).isDirectory();
      } catch {
        missing.push(path);
        continue;
      }
      if (folder) {
        for (const file of collectSourceFiles([path]).files) {
          files.push(file);
          results.push(checkFile(file, options));
        }
      } else {
        files.push(path);
        results.push({ file: path, readError: (e as Error).message, diagnostics: [], printed: '' });
      }
      continue;
    }
    files.push(path);
    results.push(checkParsed(path, parseSource(text, path), options));
  }
  return { files, missing, results };
}
