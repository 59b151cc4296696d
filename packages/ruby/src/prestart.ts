// Ruby's module compiled early, for a one-shot command that needed Ruby the last time it ran
// the same way.
//
// The compiler is synchronous and starts Ruby when it first meets a template or a Ruby function,
// so the compile of Ruby's module (V8 compiles the functions its hints mark, snapshot.ts) would
// otherwise sit on the main thread in the middle of the compile. A command that knows it will
// compile (the CLI's `compile`) says so as it starts (startRubyEarly, with its command line).
// When that same command line, in the same folder, called into Ruby the last time, the module of
// the snapshot it restored is read (by libuv's threads) and compiled (by V8's background threads)
// while the command loads the rest of itself; the command waits for it (rubyStarted) just before
// compiling, and Ruby's start (vm.ts) takes the compiled module if the snapshot it restores is
// the same. A marker per command line says so: a file named by a hash of the command line and
// its folder, in the user's private cache, holding the snapshot's key; written the first time
// the command line calls into Ruby (or when its snapshot changed), removed when it ran and did
// not. The marker is only a hint: a wrong one costs a background compile, never a wrong catalog.
//
// Nothing here loads Ruby's JavaScript (vm.ts and what it needs) or Ruby itself.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { privateCacheDir, pruneOldest, writeFileAtomic } from '@kasper/files';

/**
 * V8's flags for Ruby's WebAssembly (vm.ts, wasmFlags, says why each). The `kasper compile`
 * command sets them when it starts (packages/cli/bin/kasper.js), with its other V8 flags, so that
 * the code Node caches for its modules is cached under the same flags whether Ruby starts early,
 * late or not at all (V8 refuses code cached under other flags).
 */
export const RUBY_WASM_FLAGS: readonly string[] = ['--wasm-lazy-validation', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--experimental-wasm-compilation-hints', '--no-wasm-lazy-compilation'];

/** Command lines remembered (one small file each); past this many, the oldest go. */
const MARKERS_KEPT = 64;

let marker: string | undefined;
/** The snapshot key the marker held when the command started (undefined: no marker). */
let markedKey: string | undefined;
/** The files the marker says the command line read the last time (its lines after the key). */
let markedFiles: string[] = [];
/** The key of the snapshot this run's Ruby restored or wrote, once it is used. */
let usedKey: string | undefined;
let used = false;
/**
 * The early start: its snapshot's key, the module's bytes, the module once compiled and the memory
 * once the snapshot's pages are in it; `done` settles when both have finished, or failed.
 */
interface Early {
  key: string;
  bytes: Uint8Array;
  done: Promise<void>;
  module?: WebAssembly.Module;
  memory?: WebAssembly.Memory;
}
let early: Early | undefined;

/**
 * Compiles Ruby's module now, off the main thread, if this command line (`line`, run in the
 * current folder) called into Ruby the last time it ran; remembers the command line either way,
 * so that its first call into Ruby is noted. Never throws: without a cache folder or a sound
 * snapshot, nothing happens.
 */
export async function startRubyEarly(line: readonly string[]): Promise<void> {
  if (marker !== undefined || process.env.KASPER_RUBY_EARLY === '0') return;
  const dir = privateCacheDir();
  if (!dir) return;
  marker = markerOf(dir, line);
  try {
    // (Asked first: a missing file read throws, and an exception costs more than the question.)
    if (!statSync(marker, { throwIfNoEntry: false })) return;
    // The snapshot's key, then the files the command line read (rememberFilesRead), a line each.
    [markedKey = '', ...markedFiles] = readFileSync(marker, 'utf8').split('\n').filter(Boolean);
  } catch {
    return;
  }
  // A command line that stopped calling into Ruby stops compiling it early.
  process.once('exit', () => {
    if (!used) removeMarker();
  });
  // The snapshot's reader, loaded only now: a command line without a marker loads nothing more.
  const { importedMemory, openSnapshot, readPages, readSnapshotModule } = await import('./snapshot.ts');
  const saved = /^[0-9a-f]{64}$/.test(markedKey) ? openSnapshot(dir, markedKey) : undefined;
  if (!saved) return;
  const key = markedKey;
  // Read now, on the main thread (~3 ms): a read on libuv's threads would end in a callback that
  // waits for the command to yield, which it does only when it has loaded itself.
  let bytes: Uint8Array;
  try {
    bytes = readSnapshotModule(saved);
  } catch {
    closeSync(saved.fd);
    return; // a short file: started from a sound snapshot, or again, when needed
  }
  // The flags the compile command set as it started (bin/kasper.js), in case it did not.
  for (const flag of RUBY_WASM_FLAGS) setFlagsFromString(flag);
  const e: Early = { key, bytes, done: Promise.resolve() };
  const compiled = WebAssembly.compile(bytes).then((module) => {
    e.module = module;
  }, () => {
    if (early === e) early = undefined; // compiled again when needed, where its error is reported
  });
  // The memory the module imports (snapshot.ts, withImportedMemory), made now, and the snapshot's
  // pages read into it by libuv's threads while V8 compiles (made now too, the full collection
  // V8 makes for a new memory's size finds the heap still small). Used only if every page is in.
  const limits = importedMemory(bytes);
  const memory = limits && limits.initial * 65536 >= saved.size ? new WebAssembly.Memory(limits) : undefined;
  const pagesIn = (memory ? readPages(saved, memory) : Promise.reject(new RangeError('no memory'))).then(() => {
    e.memory = memory;
  }, () => undefined).finally(() => {
    try {
      closeSync(saved.fd);
    } catch {
      // closed already
    }
  });
  e.done = Promise.all([compiled, pagesIn]).then(() => undefined, () => undefined);
  early = e;
  backgroundBelowMain();
  // V8 does not count its background compile as the event loop's work: a handle keeps the
  // process until it settles.
  const pendingWork = setInterval(() => {}, 2 ** 30);
  void e.done.then(() => clearInterval(pendingWork));
  // V8 decodes the module on a background thread, then needs the main thread once, briefly, to
  // start compiling its functions on background threads; the command yields to it only when it
  // waits for something, which is after it has loaded itself. So Ruby's JavaScript (needed in a
  // moment anyway) is loaded while V8 decodes, and the command then yields once.
  await import('./vm.ts');
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * The process's other threads (V8's, which compile the module and help its collector, and libuv's,
 * which read the pages) given a lower priority than the main thread: on a machine with two
 * cores, the early compile's threads took turns with the main thread, which then waited 10–30 ms
 * of its run for a core (its run-queue time in /proc, `schedstat`). Lowered only (an unprivileged
 * process could not raise them again); they do the same work, only after the main thread when
 * both want a core. Linux only (threads listed in /proc); elsewhere nothing changes.
 */
function backgroundBelowMain(): void {
  try {
    const { getPriority, setPriority } = process.getBuiltinModule('node:os');
    for (const task of readdirSync('/proc/self/task')) {
      const tid = Number(task);
      if (tid !== process.pid) setPriority(tid, Math.max(BACKGROUND_NICE, getPriority(tid)));
    }
  } catch {
    // no /proc, or not allowed: left as they are
  }
}

/** The niceness of the background threads during and after an early start (see backgroundBelowMain). */
const BACKGROUND_NICE = 10;

/** Settles once an early compile (if any) has finished; the command then compiles. */
export async function rubyStarted(): Promise<void> {
  if (!early) return;
  await early.done;
}

/**
 * The module compiled early for the snapshot with this key, its bytes, and the memory with the
 * snapshot's pages in it if they all are, once (vm.ts takes them when it restores that
 * snapshot); undefined when there is none or it is not compiled yet.
 */
export function takeEarlyModule(key: string): { bytes: Uint8Array; module: WebAssembly.Module; memory?: WebAssembly.Memory } | undefined {
  const e = early;
  if (!e?.module || e.key !== key) return undefined;
  early = undefined;
  return { bytes: e.bytes, module: e.module, memory: e.memory };
}

/**
 * Called by the VM on each call into Ruby, with the key of the snapshot it restored or wrote:
 * the first call marks the command line (unless its marker already holds that key).
 */
export function noteRubyUsed(snapshotKey: string | undefined): void {
  if (used) return;
  used = true;
  usedKey = snapshotKey;
  if (marker === undefined) {
    // A command that did not start early (none of its command lines had needed Ruby yet, so it
    // did not load this module then) but said which command line it runs.
    const line = (globalThis as Record<symbol, unknown>)[COMMAND_LINE];
    const dir = Array.isArray(line) && process.env.KASPER_RUBY_EARLY !== '0' ? privateCacheDir() : undefined;
    if (dir) marker = markerOf(dir, line as string[]);
  }
  if (marker === undefined || !snapshotKey || markedKey === snapshotKey) return;
  writeMarker(snapshotKey, markedFiles);
}

/**
 * The files this command line read the last time it ran and called into Ruby (as the command
 * told rememberFilesRead), for it to read ahead while Ruby starts: the early start's compile
 * ends at the same moment however early it begins, and the command otherwise waits for it.
 * Empty without a marker.
 */
export function filesReadLastTime(): readonly string[] {
  return markedFiles;
}

/**
 * Remembers, with this command line's marker, the files it read (at the end of a run that called
 * into Ruby; unchanged lists are not written again).
 */
export function rememberFilesRead(files: readonly string[]): void {
  if (!used || marker === undefined || !usedKey) return;
  const list = files.filter((f) => f && !f.includes('\n')).slice(0, FILES_KEPT);
  if (usedKey === markedKey && list.length === markedFiles.length && list.every((f, i) => f === markedFiles[i])) return;
  writeMarker(usedKey, list);
}

/** The most files a marker lists. */
const FILES_KEPT = 4000;

function writeMarker(key: string, files: readonly string[]): void {
  if (marker === undefined) return;
  try {
    mkdirSync(join(marker, '..'), { recursive: true, mode: 0o700 });
    writeFileAtomic(marker, [key, ...files].join('\n'), 0o600, undefined, { flush: false });
    markedKey = key;
    markedFiles = [...files];
    pruneOldest(join(marker, '..'), MARKERS_KEPT);
  } catch {
    // not remembered: the next run compiles Ruby when it needs it
  }
}

/**
 * Where a command that may compile puts its command line (an array of strings) when it does not
 * call startRubyEarly: its first call into Ruby then marks it all the same.
 */
export const COMMAND_LINE = Symbol.for('kasper.rubyCommandLine');

/** The marker of a command line run in the current folder: named by a hash of both. */
function markerOf(dir: string, line: readonly string[]): string {
  return join(dir, 'ruby-early', createHash('sha256').update(JSON.stringify([process.cwd(), ...line])).digest('hex').slice(0, 32));
}

function removeMarker(): void {
  try {
    if (marker && markedKey !== undefined) unlinkSync(marker);
  } catch {
    // already gone
  }
}
