// Module types' metadata kept on disk, so that a compile whose module types are all known never
// starts Ruby. Checking a declaration's parameter names needs a type's parameters, properties,
// namevars and title patterns, which only loading its Ruby (lib/puppet/type/NAME.rb) tells; Ruby's
// start costs about half a second. The answer depends only on what the loading read, so it is
// kept with what it read and used while all of it is unchanged:
//
// - the type file's text (its digest);
// - each `require` made while it loaded: the name, found again now in the same lib folders, must
//   give the same module file with the same digest (or again none: Ruby's library or the shim);
// - each fact it asked for must have the same value;
// - the WebAssembly Ruby's version and the shim's code (part of the entry's key), the lib folders
//   and whether the type has providers (part of its file name).
//
// A load that did anything else whose answer may change (ran a command, looked a program up,
// logged a message) is not kept. A file that is not sound (unreadable, not JSON, a checksum that
// does not match, another key) is ignored and written again. Entries are written atomically in
// the user's private cache folder ($XDG_CACHE_HOME/kasper/types, or ~/.cache/kasper/types).
//
// This module loads neither the VM nor the rest of the package unless an entry is missing.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '@kasper/files';
import { RubyError } from './errors.ts';
import { hostFact } from './host-facts.ts';
import { findModuleRequire, hasProviders } from './module-files.ts';
import type { RubyTypeInfo, TypeLoadOptions, TypeLoadTrace } from './resource-types.ts';
import { cacheDir } from './snapshot.ts';

export { RubyError };

const require = createRequire(import.meta.url);
const MAGIC = 'kasper-ruby-types-1';
const HERE = dirname(fileURLToPath(import.meta.url));
/** `.ts` when running the sources, `.js` when running the emitted JavaScript (packages/ruby/dist). */
const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

export interface TypeCacheOptions {
  /** The cache folder (default $XDG_CACHE_HOME/kasper, or ~/.cache/kasper); entries go in its `types` folder. */
  dir?: string;
  /** false: neither read nor write entries (KASPER_RUBY_TYPE_CACHE=0 does the same). */
  enabled?: boolean;
}

let options: TypeCacheOptions = {};
let version: string | undefined;
/** What this process did, for tests and benchmarks. */
export const typeCacheStats = { hits: 0, misses: 0, written: 0 };

export function configureTypeCache(o: TypeCacheOptions): void {
  options = { ...options, ...o };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What every entry depends on besides its own inputs: the WebAssembly Ruby and the shim's code. */
function versionKey(): string {
  if (version === undefined) {
    const h = createHash('sha256').update(MAGIC);
    try {
      const wasmPkg = join(dirname(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm')), '..', 'package.json');
      h.update((JSON.parse(readFileSync(wasmPkg, 'utf8')) as { version: string }).version);
    } catch {
      h.update('no-ruby');
    }
    // The shim, and the code that reads the types' descriptions and this cache.
    const shim = join(HERE, 'ruby');
    for (const f of readdirSync(shim).filter((n) => n.endsWith('.rb')).sort()) h.update(`\0${f}\0`).update(readFileSync(join(shim, f)));
    for (const f of ['resource-types', 'type-cache', 'module-files']) h.update(`\0${f}\0`).update(readFileSync(join(HERE, f + EXT)));
    version = h.digest('hex');
  }
  return version;
}

function folder(): string | undefined {
  if (options.enabled === false || process.env.KASPER_RUBY_TYPE_CACHE === '0') return undefined;
  const base = cacheDir(options.dir);
  if (!base) return undefined;
  const dir = join(base, 'types');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  return dir;
}

interface Entry {
  magic: string;
  key: string;
  source: string;
  requires: TypeLoadTrace['requires'];
  facts: TypeLoadTrace['facts'];
  types?: RubyTypeInfo[];
  error?: { message: string; rubyClass: string; detail: string; file?: string; line?: number; backtrace: string[] };
}

/** The fact as the type's loading would see it, as JSON (as scopeContext answers Ruby). */
function factJson(name: string, load: TypeLoadOptions): string | undefined {
  try {
    return JSON.stringify(load.fact ? load.fact(name) : hostFact(name)) ?? 'null';
  } catch {
    return undefined;
  }
}

/** The entry, if it is sound and everything its type read is unchanged. */
function read(file: string, key: string, source: string, libDirs: readonly string[], load: TypeLoadOptions): Entry | undefined {
  let entry: Entry;
  try {
    const text = readFileSync(file, 'utf8');
    const nl = text.indexOf('\n');
    const body = text.slice(nl + 1);
    if (nl < 0 || text.slice(0, nl) !== sha256(body)) return undefined;
    entry = JSON.parse(body) as Entry;
  } catch {
    return undefined;
  }
  if (entry.magic !== MAGIC || entry.key !== key || entry.source !== sha256(source)) return undefined;
  if (!Array.isArray(entry.requires) || !Array.isArray(entry.facts) || (!Array.isArray(entry.types) && !entry.error)) return undefined;
  for (const r of entry.requires) {
    let hit: { path: string; source: string } | undefined;
    try {
      hit = findModuleRequire(r.name, [...libDirs, ...r.extra]);
    } catch {
      return undefined;
    }
    if ((hit?.path ?? null) !== r.path || (hit ? sha256(hit.source) : null) !== r.digest) return undefined;
  }
  for (const f of entry.facts) if (factJson(f.name, load) !== f.json) return undefined;
  return entry;
}

function write(dir: string, file: string, entry: Entry): void {
  const body = JSON.stringify(entry);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileAtomic(file, `${sha256(body)}\n${body}`, 0o600);
    typeCacheStats.written++;
  } catch {
    // no entry this time: the next compile loads the type in Ruby again
  }
}

/**
 * loadRubyTypes, answered from the cache when the type and everything its loading read are
 * unchanged (then Ruby is not started); otherwise loaded in Ruby and kept. Throws the RubyError
 * the type's loading raised (kept too: a broken type does not start Ruby on every compile).
 */
export function loadRubyTypesCached(source: string, path: string, load: TypeLoadOptions = {}): RubyTypeInfo[] {
  const rt = () => require(`./resource-types${EXT}`) as typeof import('./resource-types.ts');
  const dir = folder();
  if (!dir) {
    typeCacheStats.misses++;
    return rt().loadRubyTypes(source, path, load);
  }
  const libDirs = load.libDirs ?? (require(`./vm${EXT}`) as typeof import('./vm.ts')).libDirsNear(path);
  const providers = load.providers ?? hasProviders(path, basename(path, '.rb'), libDirs);
  const key = sha256([versionKey(), path, providers, load.fact ? 'facts-given' : 'host-facts', ...libDirs].join('\0'));
  const file = join(dir, `${key.slice(0, 40)}.json`);
  const hit = read(file, key, source, libDirs, load);
  if (hit) {
    typeCacheStats.hits++;
    if (hit.error) throw new RubyError(hit.error.message, hit.error);
    return hit.types!;
  }
  typeCacheStats.misses++;
  const trace: TypeLoadTrace = { requires: [], facts: [], cacheable: true };
  const entry: Entry = { magic: MAGIC, key, source: sha256(source), requires: trace.requires, facts: trace.facts };
  try {
    entry.types = rt().loadRubyTypesTraced(source, path, { ...load, libDirs, providers }, trace);
  } catch (e) {
    if (!(e instanceof RubyError)) throw e;
    if (trace.cacheable) {
      entry.error = { message: e.message, rubyClass: e.rubyClass, detail: e.detail, file: e.file, line: e.line, backtrace: [...e.backtrace] };
      write(dir, file, entry);
    }
    throw e;
  }
  if (trace.cacheable) write(dir, file, entry);
  return entry.types;
}

/** loadRubyType through the cache: the type named as the file, else the first. */
export function loadRubyTypeCached(source: string, path: string, load: TypeLoadOptions = {}): RubyTypeInfo {
  const all = loadRubyTypesCached(source, path, load);
  const expected = basename(path, '.rb');
  return all.find((t) => t.name === expected) ?? all[0];
}
