// One CRuby (3.4, compiled to WebAssembly by the Ruby core team: @ruby/3.4-wasm-wasi) per
// process, loaded on first use and then called synchronously.
//
// Loading is synchronous too (loadRubySync), because the compiler is: Node compiles a large
// WebAssembly module synchronously outside the browser (`new WebAssembly.Module`), and V8
// compiles its functions lazily, on first call. getRuby() is the asynchronous way in, which
// compiles off the main thread. Nothing heavy is imported before either is called: the
// @ruby/wasm-wasi runtime and node:wasi are required inside load().
//
// Calls: JavaScript puts a request where Ruby pulls it and calls Kasper::Entry.run, which answers
// JSON. While Ruby runs it may call back (Kasper.host), answered by the innermost call's Context.
// Calls nest (a template calls a function that renders a template), but Ruby never runs inside a
// host call made from Ruby: ruby.wasm cannot unwind Ruby nested that way (JS -> Ruby -> JS ->
// Ruby) and aborts on the first raise or `break`, rescued or not. A host call that may run Ruby
// (a function call, a Puppet lambda) is answered between Ruby's steps instead: the Ruby call waits
// in its fiber and Entry.run returns {"host": [op, args]}; call() answers it (running Ruby again
// as a call of its own if need be) and resumes the fiber with Entry.resume.
import { accessSync, closeSync, constants, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findModuleRequire } from './module-files.ts';
import { configureTypeCache } from './type-cache.ts';
import { fileURLToPath } from 'node:url';
import type { RbValue, RubyVM } from '@ruby/wasm-wasi/dist/vm';
import { RubyError, RubyJump, type RubyErrorInfo } from './errors.ts';
import { plainValues, type PuppetValue, type ValueFactory } from './values.ts';
import { decode, encode, Handles, patch } from './wire.ts';
import { privateCacheDir } from '@kasper/files';
import { bulkMemory, exportGlobals, functionNames, hasCompilationHints, importedFunctionCount, importedMemory, sameFunctions, openSnapshot, readSnapshotModule, withCompilationHints, withoutData, restoreSnapshot, snapshotKey, takeSnapshot, writeSnapshot, type SavedSnapshot } from './snapshot.ts';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { noteRubyUsed, RUBY_WASM_FLAGS, takeEarlyModule } from './prestart.ts';

const require = createRequire(import.meta.url);
/**
 * node:child_process, loaded when module code first runs a command: most compiles never do, and
 * a built-in module loaded after the command's V8 flags are set is compiled from its source
 * (child_process and what it loads: ~4 ms of the main thread).
 */
const childProcess = () => require('node:child_process') as typeof import('node:child_process');
/** Milliseconds, from process.hrtime (the `performance` global loads perf_hooks: ~2 ms, see above). */
const now = () => Number(process.hrtime.bigint()) / 1e6;
const SHIM_DIR = join(dirname(fileURLToPath(import.meta.url)), 'ruby');
/** The shim, in load order. */
const SHIM_FILES = ['kasper.rb', 'compat.rb', 'puppet.rb', 'functions.rb', 'erb.rb', 'type.rb', 'facter.rb'];
const WASM = '@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm';

export type LogLevel = 'debug' | 'info' | 'notice' | 'warning' | 'err' | 'alert' | 'emerg' | 'crit';

export interface RubyConfig {
  /**
   * Host folders Ruby code may open (custom facts read /proc, functions read files). Default:
   * every top-level folder. WASI cannot open "/" itself, and it follows no symlink that leaves
   * a folder it was given.
   */
  preopens?: readonly string[];
  /** Puppet settings module code reads (`Puppet[:vardir]`); Puppet 7's defaults otherwise. */
  settings?: Record<string, string | number | boolean>;
  /** Where log messages go when the call's host has no `log` (default: notice and up to stderr). */
  log?: (level: LogLevel, message: string) => void;
  /** Where module code's $stdout and $stderr writes go (default: Kasper's stderr). */
  output?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** ENV as Ruby sees it (default: this process's environment when Ruby loads). */
  env?: Record<string, string>;
  /**
   * Keep a pre-initialised Ruby on disk and start from it (default true; KASPER_RUBY_SNAPSHOT=0
   * turns it off): Ruby's start and the shim's loading then cost a memory copy.
   */
  snapshot?: boolean;
  /** Where snapshots are kept: a private folder (default $XDG_CACHE_HOME/kasper or ~/.cache/kasper). */
  cacheDir?: string;
}

export interface LoadStats {
  /** Reading and compiling the WebAssembly module (lazy: functions compile on first call). */
  compileMs: number;
  /** Instantiating it and starting Ruby (ruby_init, the load path). */
  startMs: number;
  /** Loading the Puppet shim and the libraries it needs (erb, json). */
  shimMs: number;
  totalMs: number;
  /** Resident memory before and after, in MiB. */
  rssBeforeMiB: number;
  rssAfterMiB: number;
  mode: 'sync' | 'async';
  /** `restored`: started from a snapshot; `written`: started, and saved one; `none`. */
  snapshot: 'restored' | 'written' | 'none';
  /** What was done early (prestart.ts): the module compiled, and the snapshot's pages read too. */
  early: 'none' | 'module' | 'module+pages';
}

/** What answers Ruby's calls to the host during one call into Ruby. */
export interface Context {
  readonly values: ValueFactory;
  /** Module lib folders `require` searches. */
  readonly libDirs?: readonly string[];
  /** Answers a host operation; `undefined` as the value `UNHANDLED` passes it on to the defaults. */
  handle?(op: string, args: string[]): PuppetValue | RawJson | typeof UNHANDLED;
  log?(level: LogLevel, message: string): void;
}

export const UNHANDLED: unique symbol = Symbol('unhandled');

/** An answer to Ruby that is already JSON (plain data such as facts: integers stay integers). */
export class RawJson {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

let config: RubyConfig = {};
let current: RubyVm | undefined;
let pending: Promise<RubyVm> | undefined;

/** Sets how Ruby is started; options that matter at start apply to the next load. */
export function configureRuby(options: RubyConfig): void {
  config = { ...config, ...options };
  if (options.cacheDir !== undefined) configureTypeCache({ dir: options.cacheDir });
  if (current && options.settings) current.applySettings(options.settings);
}

/** Where a log message from Ruby goes when its call's host takes none: configureRuby's log, else notice and up to stderr. */
export function defaultLog(level: LogLevel, message: string): void {
  if (config.log) config.log(level, message);
  else if (level !== 'debug' && level !== 'info') process.stderr.write(`${level === 'err' ? 'Error' : level[0].toUpperCase() + level.slice(1)}: ${message}\n`);
}

export function isRubyLoaded(): boolean {
  return current !== undefined;
}

/** What starting needs, read before compiling: the module's bytes, the shim, the snapshot plan. */
interface Plan {
  bytes: Uint8Array;
  /** The module, when it was compiled early (prestart.ts). */
  module?: WebAssembly.Module;
  /** The memory it imports with the snapshot's pages in it, when they were read early (prestart.ts). */
  memory?: WebAssembly.Memory;
  shim: { name: string; path: string; source: string }[];
  preopens: string[];
  snapshot: { dir: string | undefined; key: string; globals: number; saved: SavedSnapshot | undefined } | undefined;
  t0: number;
  rss: number;
}

function plan(readWasm: () => Uint8Array, t0: number, rss: number, useSaved = true): Plan {
  const shim = SHIM_FILES.map((name) => {
    const path = join(SHIM_DIR, name);
    return { name, path, source: readFileSync(path, 'utf8') };
  });
  const preopens = [...(config.preopens ?? topLevelFolders())];
  if (config.snapshot === false || process.env.KASPER_RUBY_SNAPSHOT === '0') return { bytes: readWasm(), shim, preopens, snapshot: undefined, t0, rss };
  const wasmPath = require.resolve(WASM);
  const pkg = JSON.parse(readFileSync(join(dirname(wasmPath), '..', 'package.json'), 'utf8')) as { version: string };
  const st = statSync(wasmPath);
  // The module by version, size and time (hashing 30 MB would cost more than it saves).
  const key = snapshotKey(`${pkg.version}:${st.size}:${st.mtimeMs}`, shim.map((f) => f.source).join('\0'), preopens);
  const dir = privateCacheDir(config.cacheDir);
  const saved = dir && useSaved ? openSnapshot(dir, key) : undefined;
  if (saved) {
    // Restored from a snapshot, the instance needs none of the module's data (the snapshot has
    // it): the snapshot keeps the module rewritten for it, so the 30 MB original is not read.
    try {
      // The module compiled early (prestart.ts) for this same snapshot, or read now.
      const early = takeEarlyModule(key);
      if (early) return { bytes: early.bytes, module: early.module, memory: early.memory, shim, preopens, snapshot: { dir, key, globals: saved.globals.length, saved }, t0, rss };
      return { bytes: readSnapshotModule(saved), shim, preopens, snapshot: { dir, key, globals: saved.globals.length, saved }, t0, rss };
    } catch {
      closeSync(saved.fd);
    }
  }
  const rewritten = exportGlobals(readWasm());
  return { bytes: rewritten.bytes, shim, preopens, snapshot: { dir, key, globals: rewritten.globals, saved: undefined }, t0, rss };
}

/**
 * The module a restored process compiles: memset, memcpy and memmove as bulk memory operations
 * (snapshot.ts's bulkMemory), and the functions a compile runs (hot-functions.txt, written by
 * scripts/hot-functions.ts from profiles of real compiles) marked for compilation with the module
 * (withCompilationHints): V8's background threads compile them, instead of the main thread on
 * each one's first call. Both found by name in the package's debug build, read once, when the
 * snapshot is written; each left out when that build or the list is missing or does not fit.
 */
function snapshotModule(bytes: Uint8Array): Uint8Array {
  let debug: Uint8Array;
  try {
    debug = readFileSync(require.resolve(WASM.replace('ruby+stdlib', 'ruby.debug+stdlib')));
  } catch {
    return bytes;
  }
  bytes = bulkMemory(bytes, debug);
  try {
    const hot = new Set(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'hot-functions.txt'), 'utf8').split('\n'));
    const imported = importedFunctionCount(debug);
    if (!sameFunctions(bytes, debug) || imported !== importedFunctionCount(bytes)) return bytes;
    const eager = new Set<number>();
    for (const [index, name] of functionNames(debug)) if (index >= imported && hot.has(name)) eager.add(index - imported);
    return eager.size ? withCompilationHints(bytes, eager) : bytes;
  } catch {
    return bytes;
  }
}

/** The module compiled, or (a snapshot's module that V8 refuses) the plan again without the snapshot. */
function compileSync(p: Plan, readWasm: () => Uint8Array): [WebAssembly.Module, Plan] {
  try {
    wasmFlags(p.bytes);
    if (p.module) return [p.module, p];
    return [new WebAssembly.Module(p.bytes), p];
  } catch (e) {
    if (!p.snapshot?.saved) throw e;
    closeSync(p.snapshot.saved.fd);
    const again = plan(readWasm, p.t0, p.rss, false);
    wasmFlags(again.bytes);
    return [new WebAssembly.Module(again.bytes), again];
  }
}

/**
 * V8's flags for Ruby's WebAssembly, set on the process's V8 just before the module is compiled,
 * so a process that never starts Ruby keeps V8's defaults (under any changed flag V8 refuses
 * Node's code cache for its built-in modules, which each command then compiles from source).
 * `--liftoff-only` and `--wasm-lazy-validation` were on the kasper command's `#!` line before;
 * V8 ignores the first once started, the equivalents below it takes at run time.
 *  - Baseline compiler (Liftoff) only: V8's default recompiles hot WebAssembly functions with
 *    TurboFan in background threads, which on a small or busy machine costs more than it gains
 *    (the apache site of the ERB benchmark: 2.0 → 1.35 s of CPU, 248 → 185 MiB, and a warm ERB
 *    render no slower in a short run; docs/ruby.md). KASPER_RUBY_TIER_UP=1 keeps V8's tiering: a
 *    master's compile workers set it, as they compile node after node, where TurboFan's code
 *    pays back (a further apache node: ~25% less CPU; compile-worker.ts).
 *  - No Maglev (V8's fast optimising compiler for JavaScript) from then on, on the main thread:
 *    the kasper command keeps it for parses and compiles, which it speeds up, but once Ruby has
 *    started, what is left of a one-shot compile is mostly rendering, and Maglev's compiles in
 *    background threads cost more than they save (the ERB benchmark's whole command: 440 → 411
 *    ms of CPU, the main thread unchanged). KASPER_RUBY_TIER_UP set (to 1, or 0) keeps it.
 *  - Lazy validation: V8 checks each function when it first compiles it, instead of all of the
 *    30 MB module up front, most of which a compile never calls (~40 ms less CPU). The module
 *    comes from the npm package or from the user's private snapshot cache, never from input.
 *  - Compilation hints, for a module that has them (a snapshot's, see snapshotModule): V8 reads
 *    them only with lazy compilation off for the module, and then compiles lazily just the
 *    functions they mark lazy. A module without them is compiled lazily, every function on
 *    its first call (with lazy compilation off, all 17,825 would be compiled up front).
 */
function wasmFlags(bytes: Uint8Array): void {
  const tierUp = process.env.KASPER_RUBY_TIER_UP === '1' || process.execArgv.includes('--liftoff-only');
  const hinted = hasCompilationHints(bytes);
  for (const flag of RUBY_WASM_FLAGS) {
    if (tierUp && flag.includes('tier')) continue;
    if (!hinted && flag === '--no-wasm-lazy-compilation') setFlagsFromString('--wasm-lazy-compilation');
    else if (hinted || !flag.includes('hints')) setFlagsFromString(flag);
  }
  // In a one-shot command, JavaScript's optimising tier too (flags are the process's: a master's
  // compile workers keep it); see the list above. A one-shot command is told by the variable
  // being unset (a master's compile workers set it, to 0 or 1) rather than by
  // worker_threads.isMainThread: loading node:worker_threads here, after the command's flags
  // are set, compiled it and its six modules from source (~1.7 ms of the main thread).
  if (!tierUp && process.env.KASPER_RUBY_TIER_UP === undefined) setFlagsFromString('--no-maglev');
}

/** The VM, loading it now (synchronously) if needed. */
export function loadRubySync(): RubyVm {
  if (current) return current;
  const rss = process.memoryUsage().rss;
  const t0 = now();
  const readWasm = () => readFileSync(require.resolve(WASM));
  const [module, p] = compileSync(plan(readWasm, t0, rss), readWasm);
  current = new RubyVm(module, p, now(), 'sync');
  return current;
}

/** The VM, loading it if needed with the WebAssembly compiled off the main thread. */
export function getRuby(): Promise<RubyVm> {
  if (current) return Promise.resolve(current);
  pending ??= (async () => {
    const rss = process.memoryUsage().rss;
    const t0 = now();
    const readWasm = () => readFileSync(require.resolve(WASM));
    let p = plan(readWasm, t0, rss);
    let module: WebAssembly.Module;
    // Node does not count V8's background compile as pending work: without a handle of its own,
    // a process with nothing else to do would end before the compile's promise settles.
    const pendingWork = setInterval(() => {}, 2 ** 30);
    try {
      wasmFlags(p.bytes);
      module = p.module ?? (await WebAssembly.compile(p.bytes));
    } catch (e) {
      if (!p.snapshot?.saved) throw e;
      closeSync(p.snapshot.saved.fd);
      p = plan(readWasm, t0, rss, false);
      wasmFlags(p.bytes);
      module = await WebAssembly.compile(p.bytes);
    } finally {
      clearInterval(pendingWork);
    }
    current ??= new RubyVm(module, p, now(), 'async');
    return current;
  })();
  return pending;
}

/** node:wasi warns that it is experimental when first loaded; Kasper's users need not see it. */
function quietWasi(): typeof import('node:wasi') {
  const emit = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.includes('WASI')) return;
    return (emit as (...a: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return require('node:wasi') as typeof import('node:wasi');
  } finally {
    process.emitWarning = emit;
  }
}

/**
 * Every top-level folder, except that /usr is opened folder by folder: the WebAssembly Ruby
 * carries its standard library as /usr/local/lib/ruby in a file system of its own, which hides
 * a preopened /usr entirely (Debian's modules in /usr/share/puppet/modules were unreadable).
 */
function topLevelFolders(): string[] {
  const out: string[] = [];
  for (const p of subfolders('/')) {
    if (p !== '/usr') out.push(p);
    else {
      for (const u of subfolders('/usr')) {
        if (u === '/usr/local') out.push(...subfolders('/usr/local').filter((l) => l !== '/usr/local/lib'));
        else out.push(u);
      }
    }
  }
  return out;
}

/** The folders in a folder (links to folders included), as absolute paths. */
function subfolders(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return []; // a folder we may not read
  }
  const out: string[] = [];
  for (const name of names) {
    const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
    try {
      if (statSync(p).isDirectory()) out.push(p);
    } catch {
      // a dangling link
    }
  }
  return out;
}

/** A Ruby double-quoted string literal: JSON's escapes are Ruby's, except that `#` must be. */
export function rubyString(s: string): string {
  return JSON.stringify(s).replace(/#/g, '\\#');
}

const memorySize = (instance: WebAssembly.Instance) => (instance.exports.memory as WebAssembly.Memory).buffer.byteLength;

/** How much free space Ruby's allocator keeps ahead (see reserveHeap). */
const HEAP_RESERVE = 32 * 2 ** 20;

/**
 * Gives Ruby's allocator (dlmalloc on WASI's sbrk) free space ahead of need. Without it the
 * allocator grows the WebAssembly memory a few pages at a time, and each grow makes V8 account
 * the memory as new external memory, which starts a full JavaScript garbage collection: in a
 * compile, with the compiler's heap large, that was about a tenth of the time (the apache site
 * of the ERB benchmark: about 80 grows, 0.9 → 0.5 s of CPU for its first compile). One large
 * allocation, shrunk again in place, leaves its space free at the top of the allocator's heap:
 * the memory grows once, and its untouched pages cost no resident memory. Only between calls
 * into Ruby (the allocator is not reentrant).
 */
function reserveHeap(instance: WebAssembly.Instance): void {
  const realloc = instance.exports.cabi_realloc as ((ptr: number, oldSize: number, align: number, newSize: number) => number) | undefined;
  if (!realloc) return;
  try {
    const p = realloc(0, 0, 16, HEAP_RESERVE);
    realloc(p, HEAP_RESERVE, 16, 16);
  } catch {
    // no memory for a reserve: Ruby's allocator grows the memory as it needs
  }
}

/** The parts of @ruby/wasm-wasi's RubyVM that Kasper reaches past its public API. */
interface Guest {
  rbEvalStringProtect(code: string): unknown;
  rbErrinfo(): unknown;
  rbClearErrinfo(): void;
  rbIntern(name: string): number;
  rbFuncallvProtect(recv: unknown, mid: number, args: unknown[]): [unknown, number];
  rstringPtr(value: unknown): string;
}
interface Private {
  transport: { takeJsValue(value: unknown): void };
}
type RbValueClass = new (inner: unknown, vm: RubyVM, privateObject: unknown) => RbValue;

/** The Kasper::Root left in Ruby's error info before the snapshot point (else one made by eval). */
function rootOf(vm: RubyVM): RbValue {
  const guest = vm.guest as unknown as Guest;
  const { RbValue: Value } = require('@ruby/wasm-wasi/dist/vm') as { RbValue: RbValueClass };
  const root = new Value(guest.rbErrinfo(), vm, (vm as unknown as { privateObject(): unknown }).privateObject());
  guest.rbClearErrinfo();
  if (root.call('class').toString() === 'Kasper::Root') return root;
  return vm.eval('Kasper::Root.new');
}

/** A JavaScript object as a Ruby JS::Object (RubyVM#wrap, without the eval it makes each time). */
function wrapJs(vm: RubyVM, root: RbValue, value: object): RbValue {
  (vm as unknown as { privateObject(): Private }).privateObject().transport.takeJsValue(value);
  return root.call('js_object').call('__import_from_js');
}

/** Host operations that may run Ruby: Ruby asks them from its call's fiber (kasper.rb's REENTRANT). */
const REENTRANT = new Set(['call_function', 'block', 'load_ruby_function']);

interface Reply {
  ok?: unknown;
  err?: RubyErrorInfo;
  /** Kept values Ruby changed during the call: [id, value, id, value...]. */
  kept?: unknown[];
}

export class RubyVm {
  readonly stats: LoadStats;
  private readonly vm: RubyVM;
  private readonly entry: RbValue;
  private readonly handles = new Handles();
  private input = '';
  private readonly contexts: Context[] = [];
  private readonly hostErrors = new Map<number, unknown>();
  private readonly blocks = new Map<number, (args: PuppetValue[]) => PuppetValue>();
  private nextId = 1;
  private depth = 0;
  /** Host calls Ruby is waiting for in place (not from its fiber), innermost last. */
  private readonly inPlace: string[] = [];
  private readonly whichCache = new Map<string, string | undefined>();
  private readonly instance: WebAssembly.Instance;
  /** The key of the snapshot this Ruby restored or wrote (prestart.ts's marker holds it). */
  private readonly snapshotKey: string | undefined;
  /** The memory's size after the last reserve (see reserveHeap). */
  private heapSize = 0;

  constructor(module: WebAssembly.Module, p: Plan, compiled: number, mode: 'sync' | 'async') {
    const { WASI } = quietWasi();
    const { RubyVM: VM } = require('@ruby/wasm-wasi/dist/vm') as typeof import('@ruby/wasm-wasi/dist/vm');
    const env = config.env ?? Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const preopens = Object.fromEntries(p.preopens.map((d) => [d, d]));
    const wasi = new WASI({ version: 'preview1', returnOnExit: true, args: [], env, preopens, stdout: 2 });
    const vm = new VM();
    const imports: WebAssembly.Imports = { wasi_snapshot_preview1: wasi.wasiImport };
    // A snapshot's module imports its memory (snapshot.ts, withImportedMemory): made early with
    // the pages in it (prestart.ts), or now.
    const limits = p.snapshot?.saved ? importedMemory(p.bytes) : undefined;
    const memory = p.memory ?? (limits ? new WebAssembly.Memory(limits) : undefined);
    if (memory) imports.kasper = { memory };
    vm.addToImports(imports);
    const instance = new WebAssembly.Instance(module, imports);
    // Given an Instance rather than a Module, setInstance finishes before it returns.
    void vm.setInstance(instance);
    const snap = p.snapshot;
    // A restored instance is not initialised (its `_initialize`, the C constructors, ran before
    // the snapshot point and their work is in the snapshot's memory): its memory stays all zeros
    // until the snapshot's pages go in, so nothing needs clearing.
    if (snap?.saved) wasi.finalizeBindings(instance);
    else wasi.initialize(instance);
    let snapshot: LoadStats['snapshot'] = 'none';
    let started: number;
    if (snap?.saved) {
      restoreSnapshot(instance, snap.saved, true, p.memory !== undefined);
      started = now();
      snapshot = 'restored';
    } else {
      vm.initialize(['ruby.wasm', '--disable-gems', '-EUTF-8', '-e_=0']);
      started = now();
      for (const f of p.shim) {
        const t = now();
        vm.eval(`Kernel.eval(${rubyString(f.source)}, TOPLEVEL_BINDING, ${rubyString(f.path)}, 1); nil`);
        if (process.env.KASPER_RUBY_TRACE) process.stderr.write(`${f.name} ${(now() - t).toFixed(1)} ms\n`);
      }
      // Everything loaded so far made old (an object is old once it has survived three
      // collections), so that a restored Ruby's collections are minor ones that skip it, and the
      // limit past which a collection is major is set from it. Without this, the snapshot's
      // objects were young and its old-object limit 0: a compile's first collection was major,
      // marking all of it (the ERB benchmark's compile: 2 major collections, 16 ms of Ruby's GC,
      // 2 minor ones and ~4 ms after).
      if (snap?.dir) vm.eval('4.times { GC.start }');
      // A Kasper::Root left as Ruby's error info: how the host reaches Ruby after the snapshot
      // point without parsing (rb_eval_string_protect leaves the exception it stopped at there).
      (vm.guest as unknown as Guest).rbEvalStringProtect('raise Kasper::Root\0');
      // The free space goes into the snapshot too: a restored Ruby starts with it.
      reserveHeap(instance);
      if (snap?.dir) {
        try {
          writeSnapshot(snap.dir, snap.key, takeSnapshot(instance, snap.globals, withoutData(snapshotModule(p.bytes))));
          snapshot = 'written';
        } catch {
          // no snapshot this time; the next process starts Ruby again
        }
      }
    }
    // Everything that refers to JavaScript objects comes after the snapshot point. Nothing here
    // is parsed: the first Ruby parse in a process costs ~15 ms of CPU (V8 compiling the parser's
    // WebAssembly), and a compile whose templates come from the cache needs none.
    const root = rootOf(vm);
    const bridge = {
      input: () => {
        const s = this.input;
        this.input = '';
        return s;
      },
      // A host call Ruby makes in place: unless it is one that may run Ruby (made in place only
      // from outside a call's fiber), answering it must not run Ruby (see call()).
      host: (op: string, ...args: string[]) => {
        const inPlace = !REENTRANT.has(op);
        if (inPlace) this.inPlace.push(op);
        try {
          return this.answer(op, args);
        } finally {
          if (inPlace) this.inPlace.pop();
        }
      },
      log: (level: string, message: string) => this.log(level as LogLevel, message),
      out: (stream: string, text: string) => {
        if (config.output) config.output(stream === 'stderr' ? 'stderr' : 'stdout', text);
        else process.stderr.write(text);
      },
    };
    // What a restored snapshot froze that belongs to this process (the environment, the seed)
    // and the settings, handed over through the bridge by Kasper.boot.
    this.input = JSON.stringify({
      env: snapshot === 'restored' ? env : null,
      seed: snapshot === 'restored' ? BigInt(`0x${randomBytes(16).toString('hex')}`).toString() : null,
      settings: config.settings ?? null,
    });
    this.entry = root.call('boot', wrapJs(vm, root, bridge));
    this.vm = vm;
    this.instance = instance;
    this.snapshotKey = snap?.dir ? snap.key : undefined;
    this.heapSize = memorySize(instance);
    const done = now();
    this.stats = {
      compileMs: compiled - p.t0,
      startMs: started - compiled,
      shimMs: done - started,
      totalMs: done - p.t0,
      rssBeforeMiB: p.rss / 2 ** 20,
      rssAfterMiB: process.memoryUsage().rss / 2 ** 20,
      mode,
      snapshot,
      early: p.module ? (p.memory ? 'module+pages' : 'module') : 'none',
    };
    if (process.env.KASPER_RUBY_TRACE) process.stderr.write(`ruby: ${JSON.stringify(this.stats)}\n`);
  }

  /** The WebAssembly memory's size in bytes (Ruby's heap and the reserve ahead of it). */
  get memoryBytes(): number {
    return memorySize(this.instance);
  }

  applySettings(settings: Record<string, string | number | boolean>): void {
    this.vm.eval(`Puppet.configure(JSON.parse(${rubyString(JSON.stringify(settings))}))`);
  }

  /** Evaluates Ruby and returns its value as a Puppet value (for tests and tools). */
  eval(code: string, values: ValueFactory = plainValues): unknown {
    return this.call('eval', `"code":${JSON.stringify(code)}`, { values });
  }

  /** Lends a JavaScript function to Ruby for the current outermost call; returns its id. */
  lendBlock(fn: (args: PuppetValue[]) => PuppetValue): number {
    const id = this.nextId++;
    this.blocks.set(id, fn);
    return id;
  }

  /** Decodes a value Ruby sent on the wire. */
  decode(text: string, values: ValueFactory): unknown {
    return decode(text, this.handles, values);
  }

  /**
   * Makes Ruby hold this hash or array as one object from now on (a variable's value Ruby reads
   * or sets): every Ruby reader gets the same object, and Ruby's changes to it are made here.
   * Returns its id. Frozen values are not kept (Ruby gets them frozen).
   */
  keep(o: PuppetValue): number | undefined {
    if (typeof o !== 'object' || o === null || Object.isFrozen(o) || !(Array.isArray(o) || o instanceof Map)) return undefined;
    return this.handles.kept.keep(o);
  }

  /** Encodes a value for a request (raw JSON, and whether Ruby must look for tags). */
  encode(v: PuppetValue): { text: string; special: boolean } {
    return encode(v, this.handles);
  }

  /**
   * Runs a Ruby operation. `fields` are the request's other members as raw JSON text; `expect`
   * is the module file being run, for naming it in errors.
   */
  call(op: string, fields: string, ctx: Context, expect?: string): unknown {
    noteRubyUsed(this.snapshotKey);
    if (this.inPlace.length > 0) {
      // Ruby nested in a host call made in place cannot unwind: ruby.wasm would abort the
      // process at its first raise. A clear error instead (the host op should have waited).
      throw new Error(`Kasper cannot run Ruby while Ruby waits for its answer to '${this.inPlace[this.inPlace.length - 1]}'`);
    }
    this.contexts.push(ctx);
    this.depth++;
    try {
      const kept = this.handles.kept;
      const drop = kept.dropped.length ? `,"drop":[${kept.dropped.splice(0).join(',')}]` : '';
      this.input = `{"op":${JSON.stringify(op)}${fields ? `,${fields}` : ''}${drop}}`;
      let raw = this.entryCall('run');
      // The call waits for the host (a function call, a lambda) in its own fiber: answering may
      // run Ruby again, from here rather than from inside Ruby, and then the call goes on.
      while (raw.startsWith('{"host":')) {
        const [hostOp, ...args] = (JSON.parse(raw) as { host: string[] }).host;
        const answer = this.answer(hostOp, args);
        this.input = answer;
        raw = this.entryCall('resume');
      }
      // An answer that is one string comes as itself after \u0001 (kasper.rb, Entry's Text).
      if (raw.charCodeAt(0) === 1) return raw.slice(1);
      const reply = decode(raw, this.handles, ctx.values) as Reply;
      if (reply.kept) {
        for (let i = 0; i < reply.kept.length; i += 2) {
          const target = kept.get(Number(reply.kept[i]));
          if (target) patch(target as PuppetValue, reply.kept[i + 1] as PuppetValue);
        }
      }
      if (reply.err) {
        if (reply.err.jump !== undefined) throw new RubyJump(Number(reply.err.jump));
        const hostId = reply.err.host === undefined ? undefined : Number(reply.err.host);
        if (hostId !== undefined && this.hostErrors.has(hostId)) throw this.hostErrors.get(hostId);
        throw RubyError.from(reply.err, expect);
      }
      return reply.ok ?? undefined;
    } finally {
      this.contexts.pop();
      this.depth--;
      if (this.depth === 0) {
        // Ruby's heap grew into the reserve's end: make a new reserve now, in one step.
        if (memorySize(this.instance) !== this.heapSize) {
          reserveHeap(this.instance);
          this.heapSize = memorySize(this.instance);
        }
        this.handles.clear();
        this.hostErrors.clear();
        this.blocks.clear();
      }
    }
  }

  /**
   * Calls Kasper::Entry's `run` or `resume`, which answer a String and rescue every exception:
   * straight through ruby.wasm's guest functions, with the method's ID interned once and the
   * answer read as the String it is (RbValue's `call(...).toString()` interns the name on every
   * call and calls `to_s` as a second Ruby call).
   */
  private entryCall(method: 'run' | 'resume'): string {
    const guest = this.vm.guest as unknown as Guest;
    const mid = (this.entryIds[method] ??= guest.rbIntern(`${method}\0`));
    const [value, status] = guest.rbFuncallvProtect((this.entry as unknown as { inner: unknown }).inner, mid, []);
    // (A tag other than none: Ruby unwound out of the entry, which rescues every exception.)
    if ((status & 15) !== 0) throw new Error(`Kasper's Ruby entry '${method}' did not return (Ruby tag ${status & 15})`);
    return guest.rstringPtr(value);
  }

  private readonly entryIds: Partial<Record<'run' | 'resume', number>> = {};

  private log(level: LogLevel, message: string): void {
    const ctx = this.contexts[this.contexts.length - 1];
    if (ctx?.log) ctx.log(level, message);
    else defaultLog(level, message);
  }

  /** Answers Ruby's call to the host: {"ok": value} or {"err": {message, id}}. */
  private answer(op: string, args: string[]): string {
    const ctx = this.contexts[this.contexts.length - 1];
    try {
      let v = ctx?.handle ? ctx.handle(op, args) : UNHANDLED;
      if (v === UNHANDLED) v = this.defaultOp(op, args, ctx);
      if (v instanceof RawJson) return `{"ok":${v.text}}`;
      return `{"ok":${encode(v as PuppetValue, this.handles).text}}`;
    } catch (e) {
      const id = this.nextId++;
      this.hostErrors.set(id, e);
      if (e instanceof RubyJump) return JSON.stringify({ err: { message: e.message, id, jump: e.jump } });
      // A Ruby error that crossed the host (a Ruby function called through Kasper) is raised
      // again as its own class, so that Ruby code can rescue it as under Puppet.
      if (e instanceof RubyError) return JSON.stringify({ err: { message: e.detail, id, rubyClass: e.rubyClass } });
      return JSON.stringify({ err: { message: e instanceof Error ? e.message : String(e), id } });
    }
  }

  private defaultOp(op: string, args: string[], ctx: Context | undefined): PuppetValue {
    switch (op) {
      case 'require':
        return this.resolveRequire(args[0], [...(ctx?.libDirs ?? libDirsNear(args[1])), ...(args[2] ? (JSON.parse(args[2]) as string[]) : [])]);
      case 'which':
        return this.which(args[0]);
      case 'executable':
        try {
          accessSync(args[0], constants.X_OK);
          return true;
        } catch {
          return false;
        }
      case 'default_provider':
        return undefined;
      case 'spawn': {
        const argv = JSON.parse(args[0]) as string | string[];
        const r = typeof argv === 'string'
          ? childProcess().spawnSync('/bin/sh', ['-c', argv], { encoding: 'utf8', input: args[1] || undefined, maxBuffer: 64 * 2 ** 20 })
          : childProcess().spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', input: args[1] || undefined, maxBuffer: 64 * 2 ** 20 });
        if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        return new Map<string, PuppetValue>([['stdout', r.stdout ?? ''], ['stderr', r.stderr ?? ''], ['status', BigInt(r.status ?? 1)]]);
      }
      case 'block': {
        const fn = this.blocks.get(Number(args[0]));
        if (!fn) throw new Error('the Puppet block given to Ruby is no longer available');
        const list = decode(args[1], this.handles, ctx?.values ?? plainValues) as PuppetValue[];
        return fn(list);
      }
      case 'execute': {
        const r = this.execute(args[0], 0);
        return r === undefined ? new Map<string, PuppetValue>([['stdout', ''], ['status', undefined]]) : new Map<string, PuppetValue>([['stdout', r.stdout], ['status', BigInt(r.status)]]);
      }
      case 'execute_fact': {
        const r = this.execute(args[0], Number(args[1]) || 300);
        return r === undefined ? undefined : new Map<string, PuppetValue>([['stdout', r.stdout], ['stderr', r.stderr]]);
      }
      case 'modulepath':
        return [];
      case 'module_path':
      case 'module_file':
      case 'find_resource':
      case 'module_name':
      case 'fact':
        return undefined;
      case 'classes':
      case 'all_tags':
      case 'tags':
        return [];
      default:
        throw new Error(`Kasper cannot answer '${op}' from Ruby here`);
    }
  }

  /** `require name` from module code: a file in the lib folders, or undefined to fall back. */
  private resolveRequire(name: string, libDirs: readonly string[]): PuppetValue {
    const hit = findModuleRequire(name, libDirs);
    return hit && new Map<string, PuppetValue>([['path', hit.path], ['source', hit.source]]);
  }

  private which(bin: string): string | undefined {
    if (this.whichCache.has(bin)) return this.whichCache.get(bin);
    const executable = (p: string) => {
      try {
        accessSync(p, constants.X_OK);
        return statSync(p).isFile();
      } catch {
        return false;
      }
    };
    let found: string | undefined;
    if (bin.includes('/')) found = executable(bin) ? bin : undefined;
    else {
      const path = (config.env?.PATH ?? process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':');
      for (const dir of [...path, '/sbin', '/usr/sbin']) {
        if (dir && executable(join(dir, bin))) {
          found = join(dir, bin);
          break;
        }
      }
    }
    this.whichCache.set(bin, found);
    return found;
  }

  /** Runs a command as Facter does (sh, LC_ALL=C); undefined when its program is not found. */
  private execute(command: string, timeoutSeconds: number): { stdout: string; stderr: string; status: number } | undefined {
    const program = /^\s*(?:"([^"]+)"|'([^']+)'|(\S+))/.exec(command);
    const exe = program ? (program[1] ?? program[2] ?? program[3]) : undefined;
    const builtin = exe !== undefined && /^(cd|echo|test|\[|type|command|printf|true|false|export|set|ulimit|umask|read)$/.test(exe);
    if (exe === undefined || (!builtin && this.which(exe) === undefined)) return undefined;
    const r = childProcess().spawnSync('/bin/sh', ['-c', command], {
      encoding: 'utf8',
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
      timeout: timeoutSeconds > 0 ? timeoutSeconds * 1000 : undefined,
      maxBuffer: 64 * 2 ** 20,
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status ?? 1 };
  }
}

const libDirCache = new Map<string, string[]>();

/**
 * The lib folders of every module beside the one `file` is in (a file under MODULEPATH/m/lib/...):
 * as under Puppet, module code can require any module's lib files.
 */
export function libDirsNear(file: string | undefined): string[] {
  if (!file) return [];
  const i = file.lastIndexOf('/lib/');
  if (i < 0) return [];
  const lib = file.slice(0, i + 4);
  const modulepath = dirname(dirname(lib));
  let dirs = libDirCache.get(modulepath);
  if (!dirs) {
    dirs = [lib];
    try {
      for (const m of readdirSync(modulepath).sort()) {
        const d = join(modulepath, m, 'lib');
        if (d !== lib && existsSync(d)) dirs.push(d);
      }
    } catch {
      // only the file's own lib folder
    }
    libDirCache.set(modulepath, dirs);
  }
  return dirs[0] === lib ? dirs : [lib, ...dirs.filter((d) => d !== lib)];
}


