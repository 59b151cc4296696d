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
import { basename, join } from 'node:path';
import { createRequire } from 'node:module';
import { RubyError } from './errors.ts';
import { hostFact } from './host-facts.ts';
import { findModuleRequire, hasProviders } from './module-files.ts';
import type { RubyTypeInfo, TypeLoadOptions, TypeLoadTrace } from './resource-types.ts';
import { cacheFolder, cacheVersion, configureDiskCache, EXT, readEntry, sha256, writeEntry } from './disk-cache.ts';

export { RubyError };

const require = createRequire(import.meta.url);
const MAGIC = 'kasper-ruby-types-1';

export interface TypeCacheOptions {
  /** The cache folder (default $XDG_CACHE_HOME/kasper, or ~/.cache/kasper); entries go in its `types` folder. */
  dir?: string;
  /** false: neither read nor write entries (KASPER_RUBY_TYPE_CACHE=0 does the same). */
  enabled?: boolean;
}

let enabled = true;
/** What this process did, for tests and benchmarks. */
export const typeCacheStats = { hits: 0, misses: 0, written: 0 };

export function configureTypeCache(o: TypeCacheOptions): void {
  if (o.enabled !== undefined) enabled = o.enabled;
  if (o.dir !== undefined) configureDiskCache(o.dir);
}

function folder(): string | undefined {
  if (!enabled || process.env.KASPER_RUBY_TYPE_CACHE === '0') return undefined;
  return cacheFolder('types');
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
  const body = readEntry(file);
  if (body === undefined) return undefined;
  let entry: Entry;
  try {
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

function write(file: string, entry: Entry): void {
  if (writeEntry(file, JSON.stringify(entry))) typeCacheStats.written++;
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
  const key = sha256([MAGIC, cacheVersion(), path, providers, load.fact ? 'facts-given' : 'host-facts', ...libDirs].join('\0'));
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
      write(file, entry);
    }
    throw e;
  }
  if (trace.cacheable) write(file, entry);
  return entry.types;
}

/** loadRubyType through the cache: the type named as the file, else the first. */
export function loadRubyTypeCached(source: string, path: string, load: TypeLoadOptions = {}): RubyTypeInfo {
  const all = loadRubyTypesCached(source, path, load);
  const expected = basename(path, '.rb');
  return all.find((t) => t.name === expected) ?? all[0];
}
