// Runs a classic script of the bundled command (packages/cli/scripts/build.mjs makes the language
// package one: dist/bundle/language.js) with a V8 code cache made after the script has worked, so
// that the functions V8 compiles lazily — the lexer's, the parser's and the validator's, most of a
// parse's code — are in it. Node's compile cache (the rest of the bundle, ES modules) is written
// right after a module is compiled, before it runs, and holds little more than its top level; no
// API writes an ES module's cache after it ran. Measured on `parser validate` of the 1,920 .pp
// files of Debian's modules: docs/performance.md ("A code cache made after a warm-up").
//
// The cache lives in the user's private cache folder (@kasper/files' privateCacheDir:
// script-cache/NAME-HASH-NODE-FLAGS[-long].bin), one file per script text (HASH, made by the
// build), Node version and set of V8 flags the script is compiled under: V8 refuses data made by
// another V8 or under other flags (`cachedDataRejected`), and then compiles the script as if there
// were none. It is written at the end of a command (bin/kasper.js calls the saves registered
// here), never by a worker thread:
// - when there was no usable one: the data V8 makes now, with what the run compiled;
// - when this run worked (CPU time after the script ran) four times as long as any run that wrote
//   or checked it, and its data is larger (a cache made by a one-line file's check holds only the
//   functions that file needed; a long compile that parsed little, fewer than a folder's check);
// - but when the command changed its V8 flags after the script was compiled (`kasper apply`
//   loads its modules first: bin/kasper.js), or other code did (the embedded Ruby sets
//   `--no-maglev` and its WebAssembly flags when it starts: V8's cachedDataVersionTag() tells),
//   data made at the end would be refused by the next run, which would write it again, run after
//   run: then the data made right after compiling (what Node's compile cache of a module holds)
//   is written, when there was no usable cache, with no time, so that a run whose flags stay as
//   they were replaces it with what it compiled.
// A command that knows it will parse much (`parser validate` of many files or a large one) says so
// (LONG_RUN, set before the script is loaded) and has a cache of its own ("-long"): the larger
// cache such runs make takes 1 ms more to load, which a check of one small file would pay for nothing.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateCacheDir, pruneOldest, writeFileAtomic } from '@kasper/files';

/** A cache file: MAGIC, the longest CPU time (ms) a run that wrote or checked it worked after the script ran, the data's length, the data. */
const MAGIC = 0x4b535031; // "KSP1"
const HEADER = 12;
/** Cache files kept (other script texts, Node versions and flag sets: older ones go first). */
const KEPT = 16;

/** On globalThis: the saves of the scripts this thread ran, which bin/kasper.js calls once the command is done. */
const SAVES = Symbol.for('kasper.scriptCaches');
/** Set (to true) on globalThis by a command that will parse much, before the script is loaded (see above). */
export const LONG_RUN = Symbol.for('kasper.longRun');

/** The V8 flags the command set at run time (bin/kasper.js; a check worker: check-pool.ts), and lite mode. */
function runtimeFlags(): string[] {
  return ((globalThis as Record<symbol, unknown>)[Symbol.for('kasper.v8Flags')] as string[] | undefined) ?? [];
}
function flagSet(): string {
  const lite = process.execArgv.includes('--lite-mode') ? ['lite-mode'] : [];
  return [...lite, ...runtimeFlags().filter((f) => f !== '--no-lazy').map((f) => f.replace(/^--/, ''))].join('+') || 'default';
}

/**
 * `make` under V8's lazy compilation, also in a command that set --no-lazy (bin/kasper.js: there
 * so that Node's compile cache of its modules holds every function): a script's cache made after
 * it ran holds the functions that ran, and compiling all of them first made it larger (346 KB
 * against 191 for the language package) and slower to load.
 */
function lazily<T>(make: () => T): T {
  const eager = runtimeFlags().includes('--no-lazy');
  const { setFlagsFromString } = process.getBuiltinModule('node:v8');
  if (eager) setFlagsFromString('--lazy');
  try {
    return make();
  } finally {
    if (eager) setFlagsFromString('--no-lazy');
  }
}

/**
 * Runs the script at `file` (a function of `module, exports, require, url, resolve`, as the build
 * wraps it) and returns its exports. `imports`: what its `require` of a name gives (the ES modules
 * of the bundle it shares, so that nothing is loaded twice); any other name is required from the
 * script's folder. `url` and `resolve` stand for its modules' `import.meta.url` and
 * `import.meta.resolve`. `hash`: the script text's, from the build.
 */
export function runClassicScript(file: URL, name: string, hash: string, imports: Record<string, unknown>, resolve: (specifier: string) => string): Record<string, unknown> {
  const source = readFileSync(file, 'latin1'); // (the build writes it in Latin-1: see build.mjs)
  const base = privateCacheDir();
  const folder = base && join(base, 'script-cache');
  const long = (globalThis as Record<symbol, unknown>)[LONG_RUN] === true ? '-long' : '';
  const cacheFile = folder && join(folder, `${name}-${hash}-${process.version}-${flagSet()}${long}.bin`);
  let cachedData: Buffer | undefined;
  let checkedIn = 0;
  if (cacheFile) {
    try {
      const b = readFileSync(cacheFile);
      // (a file of another format, or one cut short, is not V8's to read)
      if (b.length > HEADER && b.readUInt32LE(0) === MAGIC && b.readUInt32LE(8) === b.length - HEADER) {
        checkedIn = b.readUInt32LE(4);
        cachedData = b.subarray(HEADER);
      }
    } catch {
      // none yet
    }
  }
  const { Script, constants } = process.getBuiltinModule('node:vm');
  const script = lazily(() => new Script(source, {
    filename: fileURLToPath(file), cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }));
  const usable = cachedData !== undefined && !script.cachedDataRejected;
  const flags = flagSet();
  // V8's tag for code cached now (its version and flags): a flag set by other code later in the
  // run (the embedded Ruby's `--no-maglev` and WebAssembly flags as it starts) is not in flagSet,
  // but data made under it would be refused by every next run, and written again by each.
  const { cachedDataVersionTag } = process.getBuiltinModule('node:v8');
  const tag = lazily(() => cachedDataVersionTag());
  // (before it runs, in case the flags change: see above)
  const compiled = cacheFile && !usable ? lazily(() => script.createCachedData()) : undefined;
  // (the thread's CPU time, not the clock's: a loaded machine does not make a run look longer)
  const cpu = () => {
    const { user, system } = process.threadCpuUsage();
    return (user + system) / 1000;
  };
  const started = cpu();
  const module = { exports: {} as Record<string, unknown> };
  const required = createRequire(file);
  const require = (id: string) => (Object.hasOwn(imports, id) ? imports[id] : required(id));
  (script.runInThisContext() as (...args: unknown[]) => void)(module, module.exports, require, file.href, resolve);
  if (cacheFile) {
    const saves = ((globalThis as Record<symbol, unknown>)[SAVES] ??= []) as (() => void)[];
    saves.push(() => {
      const worked = Math.round(cpu() - started);
      let data: Buffer;
      let recorded = Math.max(worked, checkedIn);
      if (flagSet() !== flags || lazily(() => cachedDataVersionTag()) !== tag) {
        if (usable || !compiled) return;
        data = compiled;
        // (no time: a run whose flags stay as they were may replace it with what it compiled)
        recorded = 0;
      } else {
        if (usable && worked < 4 * Math.max(checkedIn, 25)) return;
        data = lazily(() => script.createCachedData());
        // (a usable cache larger than this run's is kept, with this run's time: not tried again by runs like it)
        if (usable && data.length <= cachedData!.length) data = cachedData!;
      }
      try {
        const header = Buffer.alloc(HEADER);
        header.writeUInt32LE(MAGIC, 0);
        header.writeUInt32LE(Math.min(recorded, 0xffffffff), 4);
        header.writeUInt32LE(data.length, 8);
        mkdirSync(folder!, { recursive: true, mode: 0o700 });
        pruneOldest(folder!, KEPT);
        // Flushed before it is renamed into place (a few ms, on the rare run that writes): V8 checks
        // the data's header, not every byte, so a file whose blocks a crash left unwritten must
        // never be read.
        writeFileAtomic(cacheFile, Buffer.concat([header, data]), 0o600);
      } catch {
        // not saved: the next run compiles the script again
      }
    });
  }
  return module.exports;
}
