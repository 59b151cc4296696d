// Hiera 5: hierarchical data for `lookup()` and automatic class parameter lookup.
//
// Layers are searched in order: the global/environment hiera.yaml, then the hiera.yaml of the
// module a key belongs to (`ntp::servers` → module ntp). Each layer's hierarchy lists data files
// whose paths interpolate facts and variables (`nodes/%{trusted.certname}.yaml`). A key's merge
// strategy (first, unique, hash, deep) comes from the call or from `lookup_options` in the data.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fromData, parseJsonData, parseYaml11Data, parseYamlData } from './facts.ts';
import { hashGet, NOT_FOUND, PRegexp, type Value } from './values.ts';
import { CompileError } from './errors.ts';
import { compileRaiser } from './messages.ts';
import { createRequire } from 'node:module';
import type * as SecretsApi from '@kasper/secrets';
import type { Keyring, KeyOptions } from '@kasper/secrets';

export type MergeStrategy = 'first' | 'unique' | 'hash' | 'deep';

export interface MergeOptions {
  strategy: MergeStrategy;
  /** deep merge: arrays inside hashes are merged (unique) rather than replaced. */
  mergeHashArrays?: boolean;
  sortMergedArrays?: boolean;
  knockoutPrefix?: string;
}

/** A Hiera configuration or data error: a CompileError raised without a place (the lookup adds it). */
export class HieraError extends CompileError {}

const raise = compileRaiser(HieraError);

interface Level {
  name: string;
  paths: string[];
  globs: string[];
  mappedPaths: [string, string, string] | null;
  datadir: string;
  backend: 'yaml_data' | 'json_data' | 'eyaml_lookup_key';
  /** eyaml_lookup_key: its `options` (interpolated at lookup, as Puppet does) and the hiera.yaml's folder. */
  eyaml?: { options: Map<Value, Value>; dir: string };
}

interface Layer {
  configPath: string;
  /** For module layers: keys must start with `<module>::`. */
  module: string | null;
  levels: Level[];
}

/** How a key's value is found: the variable resolver interpolations use. */
export interface HieraScope {
  /** `%{var}` and `%{facts.x.y}`: a variable by name (without `$`), undefined if unknown. */
  variable(name: string): Value;
  /** Converts a found value for lookup_options' convert_to (type name, arguments to new). */
  convert?(value: Value, typeName: string, args: Value[]): Value;
  /** Receives each step of the search, for `kasper lookup --explain`. */
  explain?(line: string): void;
}

export interface LookupResult {
  found: boolean;
  value: Value;
}

export class Hiera {
  private readonly layers: Layer[] = [];
  private readonly fileCache = new Map<string, Map<Value, Value> | null>();
  private readonly modulePaths: (module: string) => string | undefined;
  private readonly moduleLayers = new Map<string, Layer | null>();
  private readonly keyrings = new Map<string, Keyring>();

  /**
   * @param configs the global/environment hiera.yaml files, searched first to last
   * @param moduleDir finds a module's folder, for module-level hiera.yaml
   */
  /** Whether the environment has a hiera.yaml of its own (the hiera_* functions then see every layer). */
  private readonly environmentLayer: boolean;

  /**
   * @param configs the global/environment hiera.yaml files, searched first to last
   * @param moduleDir finds a module's folder, for module-level hiera.yaml
   * @param environmentConfig the environment's hiera.yaml, when it is one of `configs`
   */
  constructor(configs: string[], moduleDir: (module: string) => string | undefined, environmentConfig?: string) {
    for (const c of configs) if (existsSync(c)) this.layers.push(readConfig(c, null));
    this.modulePaths = moduleDir;
    this.environmentLayer = environmentConfig !== undefined && existsSync(environmentConfig);
  }

  /**
   * The clear texts eyaml levels decrypted in this Hiera's lookups (at least 4 characters: a
   * shorter one would match too much), longest first.
   */
  decryptedSecrets(): string[] {
    const out = new Set<string>();
    for (const k of this.keyrings.values()) for (const t of k.decrypted()) if (t.length >= 4) out.add(t);
    return [...out].sort((a, b) => b.length - a.length);
  }

  private moduleLayer(module: string): Layer | null {
    if (!this.moduleLayers.has(module)) {
      const dir = this.modulePaths(module);
      const cfg = dir ? join(dir, 'hiera.yaml') : undefined;
      this.moduleLayers.set(module, cfg && existsSync(cfg) ? readConfig(cfg, module) : null);
    }
    return this.moduleLayers.get(module) ?? null;
  }

  /** The layers that may hold `key`, in priority order (`globalOnly`: no module layer). */
  private layersFor(key: string, globalOnly = false): Layer[] {
    const out = [...this.layers];
    if (globalOnly) return out;
    const i = key.indexOf('::');
    if (i > 0) {
      const m = this.moduleLayer(key.slice(0, i));
      if (m) out.push(m);
    }
    return out;
  }

  /**
   * Looks a key up. `merge` overrides lookup_options. Keys with dots dig into hashes:
   * `lookup('a.b')` is the `b` entry of the hash found for `a`. `legacy`: a call from the
   * hiera_* functions, which Puppet confines to the global layer unless the environment has a
   * hiera.yaml.
   */
  lookup(key: string, scope: HieraScope, merge?: MergeOptions, legacy = false): LookupResult {
    const parts = splitKey(key);
    const root = parts[0];
    const path = parts.length > 1 ? parts.slice(1) : NO_PATH;
    const keyOptions = this.optionsFor(root, scope);
    const options = merge ?? keyOptions.merge;
    const found: Value[] = [];
    const explain = scope.explain;
    explain?.(`Searching for "${key}" (merge: ${options.strategy})`);
    for (const layer of this.layersFor(root, legacy && !this.environmentLayer)) {
      if (layer.module && !root.startsWith(`${layer.module}::`)) continue;
      explain?.(`  ${layer.module ? `Module "${layer.module}"` : 'Environment'} data: ${layer.configPath}`);
      for (const { file, level } of this.dataFiles(layer, scope)) {
        const data = this.readData(file);
        if (!data) {
          explain?.(`    Path "${file}": not found`);
          continue;
        }
        const v = hashGet(data, root);
        if (v === NOT_FOUND) {
          explain?.(`    Path "${file}": no key "${root}"`);
          continue;
        }
        // eyaml_lookup_key decrypts ENC[…] first, then interpolates (the clear text too), as Puppet's.
        const keys = level.eyaml ? keyring(level.eyaml.options, level.eyaml.dir, this.keyrings, (x) => this.interpolateString(x, scope)) : undefined;
        const value = this.interpolateValue(keys ? decryptDeep(v, keys, file, root) : v, scope);
        explain?.(`    Path "${file}": found ${keys ? '(decrypted, not shown)' : stringify(value)}`);
        found.push(value);
        if (options.strategy === 'first') break;
      }
      if (options.strategy === 'first' && found.length) break;
    }
    if (found.length === 0) explain?.('  No value found');
    if (found.length === 0) return { found: false, value: undefined };
    let value = mergeValues(found, options);
    for (const p of path) {
      if (value instanceof Map) {
        const v = hashGet(value, p);
        if (v === NOT_FOUND) return { found: false, value: undefined };
        value = v;
      } else if (Array.isArray(value) && /^\d+$/.test(p)) {
        value = value[Number(p)];
      } else {
        return { found: false, value: undefined };
      }
    }
    // lookup_options' convert_to: 'Sensitive', or ['Type', args…], converts the found value.
    if (keyOptions.convertTo !== undefined && scope.convert) {
      const spec = Array.isArray(keyOptions.convertTo) ? keyOptions.convertTo : [keyOptions.convertTo];
      value = scope.convert(value, String(spec[0]), spec.slice(1));
    }
    return { found: true, value };
  }

  /** A key's `lookup_options` (merged across all layers, first match wins): merge and convert_to. */
  private optionsFor(key: string, scope: HieraScope): { merge: MergeOptions; convertTo?: Value } {
    const optionSets: Map<Value, Value>[] = [];
    for (const layer of this.layersFor(key)) {
      for (const { file } of this.dataFiles(layer, scope)) {
        const data = this.readData(file);
        const lo = data ? hashGet(data, 'lookup_options') : NOT_FOUND;
        if (lo instanceof Map) optionSets.push(lo);
      }
    }
    for (const set of optionSets) {
      let opts = hashGet(set, key);
      if (opts === NOT_FOUND) {
        for (const [k, v] of set) {
          if (typeof k === 'string' && k.startsWith('^') && new PRegexp(k).regexp.test(key)) {
            opts = v;
            break;
          }
        }
      }
      if (opts instanceof Map) {
        const merge = hashGet(opts, 'merge');
        const convertTo = hashGet(opts, 'convert_to');
        return {
          merge: merge !== NOT_FOUND ? parseMerge(merge) : { strategy: 'first' },
          convertTo: convertTo !== NOT_FOUND ? convertTo : undefined,
        };
      }
    }
    return { merge: { strategy: 'first' } };
  }

  /** `join(datadir, path)`, remembered: the same few data files are named by every lookup. */
  private dataPath(datadir: string, path: string): string {
    const key = `${datadir}\0${path}`;
    let file = this.joined.get(key);
    if (file === undefined) this.joined.set(key, (file = join(datadir, path)));
    return file;
  }

  private readonly joined = new Map<string, string>();

  private dataFiles(layer: Layer, scope: HieraScope): { file: string; level: Level }[] {
    const out: { file: string; level: Level }[] = [];
    for (const level of layer.levels) {
      for (const p of level.paths) out.push({ file: this.dataPath(level.datadir, this.interpolateString(p, scope)), level });
      for (const g of level.globs) out.push(...expandGlob(join(level.datadir, this.interpolateString(g, scope))).map((file) => ({ file, level })));
      if (level.mappedPaths) {
        const [varName, key, template] = level.mappedPaths;
        const list = scope.variable(varName);
        if (Array.isArray(list)) {
          for (const item of list) {
            const sub: HieraScope = { variable: (n) => (n === key ? item : scope.variable(n)) };
            out.push({ file: join(level.datadir, this.interpolateString(template, sub)), level });
          }
        }
      }
    }
    return out;
  }

  private readData(file: string): Map<Value, Value> | null {
    if (this.fileCache.has(file)) return this.fileCache.get(file)!;
    let data: Map<Value, Value> | null = null;
    if (existsSync(file) && statSync(file).isFile()) {
      const text = readFileSync(file, 'utf8');
      let raw: unknown;
      try {
        raw = file.endsWith('.json') ? parseJsonData(text) : parseYaml11Data(text, { cache: true });
      } catch (e) {
        throw raise('KSP-HIERA-002', { file, reason: (e as Error).message });
      }
      if (raw === null || raw === undefined) data = new Map();
      else {
        const v = fromData(raw);
        if (!(v instanceof Map)) throw raise('KSP-HIERA-003', { file });
        data = v;
      }
    }
    this.fileCache.set(file, data);
    return data;
  }

  /** Interpolates `%{…}` in strings inside a found value, recursively. */
  interpolateValue(v: Value, scope: HieraScope): Value {
    if (typeof v === 'string') {
      // `%{alias('k')}` alone keeps the aliased value's type.
      const alias = /^%\{alias\(['"]([^'"]+)['"]\)\}$/.exec(v);
      if (alias) {
        const r = this.lookup(alias[1], scope);
        if (!r.found) throw raise('KSP-HIERA-004', { function: 'alias', key: alias[1] });
        return r.value;
      }
      return this.interpolateString(v, scope);
    }
    if (Array.isArray(v)) return v.map((x) => this.interpolateValue(x, scope));
    if (v instanceof Map) return new Map([...v].map(([k, x]) => [typeof k === 'string' ? this.interpolateString(k, scope) : k, this.interpolateValue(x, scope)]));
    return v;
  }

  interpolateString(s: string, scope: HieraScope): string {
    if (!s.includes('%{')) return s;
    return s.replace(/%\{([^}]*)\}/g, (_m, expr: string) => {
      const e = expr.trim();
      if (e === '') return '';
      const call = /^(lookup|hiera|alias|literal|scope)\(\s*['"]([^'"]*)['"]\s*\)$/.exec(e);
      if (call) {
        const [, fn, arg] = call;
        if (fn === 'literal') return arg;
        if (fn === 'scope') return stringify(this.variablePath(arg, scope));
        const r = this.lookup(arg, scope);
        if (!r.found) throw raise('KSP-HIERA-004', { function: fn, key: arg });
        return stringify(r.value);
      }
      return stringify(this.variablePath(e, scope));
    });
  }

  /** `facts.os.family` → $facts['os']['family']; `::fqdn` → $fqdn. */
  private variablePath(expr: string, scope: HieraScope): Value {
    const [name, ...rest] = splitKey(expr.replace(/^::/, ''));
    let v = scope.variable(name);
    for (const k of rest) {
      if (v instanceof Map) {
        const x = hashGet(v, k);
        v = x === NOT_FOUND ? undefined : x;
      } else if (Array.isArray(v) && /^\d+$/.test(k)) v = v[Number(k)];
      else return undefined;
    }
    return v;
  }
}

let secretsApi: typeof SecretsApi | undefined;
/**
 * @kasper/secrets (and node-forge, 20–100 ms to load), required on first use: only a Hiera
 * with an eyaml level that a lookup reaches loads it.
 */
function secrets(): typeof SecretsApi {
  return (secretsApi ??= createRequire(import.meta.url)('@kasper/secrets') as typeof SecretsApi);
}

/** An eyaml value with each `ENC[…]` in its strings decrypted, inside arrays and hashes too. */
function decryptDeep(v: Value, keys: Keyring, file: string, key: string): Value {
  if (typeof v === 'string') return secrets().decryptValueString(v, keys, file, () => readFileSync(file, 'utf8'), key);
  if (Array.isArray(v)) return v.map((x) => decryptDeep(x, keys, file, key));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [k, decryptDeep(x, keys, file, key)]));
  return v;
}

function stringify(v: Value): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x instanceof Map ? Object.fromEntries(x) : x));
}

const NO_PATH: readonly string[] = [];

/** Splits `a.b."c.d"` into ['a', 'b', 'c.d']. */
export function splitKey(key: string): string[] {
  // Most keys have neither dots nor quotes: themselves, without building them a character at a time.
  if (key.indexOf('.') < 0 && key.indexOf('"') < 0 && key.indexOf("'") < 0) return [key];
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  for (const ch of key) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '.') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseMerge(v: Value): MergeOptions {
  if (typeof v === 'string') {
    if (v === 'first' || v === 'unique' || v === 'hash' || v === 'deep') return { strategy: v };
    throw raise('KSP-HIERA-005', { strategy: v });
  }
  if (v instanceof Map) {
    const s = hashGet(v, 'strategy');
    const base = parseMerge(s === NOT_FOUND ? 'first' : s);
    const mha = hashGet(v, 'merge_hash_arrays');
    const sma = hashGet(v, 'sort_merged_arrays');
    const kp = hashGet(v, 'knockout_prefix');
    return {
      ...base,
      mergeHashArrays: mha === true,
      sortMergedArrays: sma === true,
      knockoutPrefix: typeof kp === 'string' ? kp : undefined,
    };
  }
  return { strategy: 'first' };
}

/** Merges the values found, highest priority first. */
export function mergeValues(found: Value[], o: MergeOptions): Value {
  switch (o.strategy) {
    case 'first':
      return found[0];
    case 'unique': {
      const out: Value[] = [];
      for (const v of found) for (const x of Array.isArray(v) ? v.flat(Infinity as 1) : [v]) if (!out.some((y) => sameValue(x, y))) out.push(x);
      if (o.sortMergedArrays) out.sort((a, b) => String(a).localeCompare(String(b)));
      return out;
    }
    case 'hash': {
      const out = new Map<Value, Value>();
      for (const v of [...found].reverse()) {
        if (!(v instanceof Map)) throw raise('KSP-HIERA-006', {});
        for (const [k, x] of v) out.set(k, x);
      }
      // Puppet merges each higher-priority hash into the lower one: the lowest's keys come first.
      return out;
    }
    case 'deep': {
      let acc: Value = found[found.length - 1];
      for (let i = found.length - 2; i >= 0; i--) acc = deepMerge(acc, found[i], o);
      return acc;
    }
  }
}

/**
 * Puppet's deep merge (the deep_merge gem): the lower-priority hash keeps its key order and the
 * higher one's values win or merge in; arrays are concatenated without duplicates (low first),
 * or with merge_hash_arrays merged element by element when they hold hashes. With a
 * knockout_prefix, `--x` in the higher value removes `x`.
 */
function deepMerge(low: Value, high: Value, o: MergeOptions): Value {
  const ko = o.knockoutPrefix;
  if (low instanceof Map && high instanceof Map) {
    const out = new Map<Value, Value>(low);
    for (const [k, v] of high) {
      if (ko && typeof k === 'string' && k.startsWith(ko)) {
        out.delete(k.slice(ko.length));
        continue;
      }
      out.set(k, out.has(k) ? deepMerge(out.get(k), v, o) : v);
    }
    return out;
  }
  if (Array.isArray(low) && Array.isArray(high)) {
    if (o.mergeHashArrays && low.every((x) => x instanceof Map) && high.every((x) => x instanceof Map)) {
      const out: Value[] = [];
      for (let i = 0; i < Math.max(low.length, high.length); i++) {
        out.push(i < low.length && i < high.length ? deepMerge(low[i], high[i], o) : i < high.length ? high[i] : low[i]);
      }
      return out;
    }
    let out: Value[] = [...low];
    for (const x of high) if (!out.some((y) => sameValue(x, y))) out.push(x);
    if (ko) {
      const knocked = high.filter((x): x is string => typeof x === 'string' && x.startsWith(ko)).map((x) => x.slice(ko.length));
      out = out.filter((x) => !(typeof x === 'string' && (x.startsWith(ko) || knocked.includes(x))));
    }
    return o.sortMergedArrays ? out.sort((a, b) => String(a).localeCompare(String(b))) : out;
  }
  return high;
}

function sameValue(a: Value, b: Value): boolean {
  return stringify(a) === stringify(b) && typeof a === typeof b;
}

/** A level's (or the defaults') backend function: data_hash, lookup_key or data_dig, and its name. */
function backendOf(m: Map<Value, Value>): { kind: 'data_hash' | 'lookup_key' | 'data_dig'; name: string } | undefined {
  for (const kind of ['data_hash', 'lookup_key', 'data_dig'] as const) {
    const v = hashGet(m, kind);
    if (v !== NOT_FOUND) return { kind, name: String(v) };
  }
  return undefined;
}

function readConfig(path: string, module: string | null): Layer {
  let raw: unknown;
  try {
    raw = parseYamlData(readFileSync(path, 'utf8'), { cache: true });
  } catch (e) {
    throw raise('KSP-HIERA-007', { path, reason: (e as Error).message });
  }
  const cfg = fromData(raw);
  if (!(cfg instanceof Map)) throw raise('KSP-HIERA-008', { path });
  const version = hashGet(cfg, 'version');
  if (version !== 5n) throw raise('KSP-HIERA-009', { path });
  const dir = dirname(path);
  const defaultsGiven = hashGet(cfg, 'defaults') !== NOT_FOUND;
  const defaults = asMap(hashGet(cfg, 'defaults'));
  const defDatadir = str(hashGet(defaults, 'datadir')) ?? 'data';
  // Without a `defaults` key Hiera uses yaml_data; a `defaults` key must name the backend itself.
  const defFunction = backendOf(defaults) ?? (defaultsGiven ? undefined : { kind: 'data_hash', name: 'yaml_data' });
  const defOptions = asMap(hashGet(defaults, 'options'));
  let hierarchy = hashGet(cfg, 'hierarchy');
  if (hierarchy === NOT_FOUND) {
    hierarchy = [new Map<Value, Value>([['name', 'Common'], ['path', 'common.yaml']])];
  }
  if (!Array.isArray(hierarchy)) throw raise('KSP-HIERA-010', { path });
  const levels: Level[] = hierarchy.map((h) => {
    const m = asMap(h);
    const name = str(hashGet(m, 'name')) ?? '(unnamed)';
    const fn = backendOf(m) ?? defFunction;
    if (fn === undefined) throw raise('KSP-HIERA-011', { level: name, path });
    // hiera-eyaml's lookup_key is read natively; other Ruby backends cannot run here.
    if (fn.kind !== 'data_hash' && !(fn.kind === 'lookup_key' && fn.name === 'eyaml_lookup_key')) throw raise('KSP-HIERA-012', { path, level: name });
    const backend = fn.name;
    if (backend !== 'yaml_data' && backend !== 'json_data' && backend !== 'eyaml_lookup_key') {
      throw raise('KSP-HIERA-013', { path, level: name, backend });
    }
    const datadir = str(hashGet(m, 'datadir')) ?? defDatadir;
    const list = (k: string) => {
      const v = hashGet(m, k);
      return v === NOT_FOUND ? [] : (Array.isArray(v) ? v : [v]).map((x) => String(x));
    };
    const mp = hashGet(m, 'mapped_paths');
    const paths = [...list('path'), ...list('paths')];
    const globs = [...list('glob'), ...list('globs')];
    let eyaml: Level['eyaml'];
    if (backend === 'eyaml_lookup_key') {
      if (paths.length + globs.length === 0 && !Array.isArray(mp)) throw raise('KSP-HIERA-016', { path, level: name });
      const own = hashGet(m, 'options');
      eyaml = { options: own instanceof Map ? own : defOptions, dir };
    }
    return {
      name,
      backend,
      eyaml,
      datadir: isAbsolute(datadir) ? datadir : join(dir, datadir),
      paths,
      globs,
      mappedPaths: Array.isArray(mp) && mp.length === 3 ? (mp.map(String) as [string, string, string]) : null,
    };
  });
  return { configPath: path, module, levels };
}

/**
 * The key pair an eyaml level's `options` name, `%{…}` interpolated (`%{environment}` for keys
 * per environment); relative paths are taken from the hiera.yaml's folder. One Keyring per key pair and Hiera (one compile): the key files are read again by the
 * next compile, so new keys need no restart, and decrypted values live no longer than a compile.
 */
function keyring(options: Map<Value, Value>, dir: string, keyrings: Map<string, Keyring>, interpolate: (s: string) => string): Keyring {
  const raw: Record<string, unknown> = {};
  for (const [k, v] of options) if (typeof k === 'string') raw[k] = typeof v === 'string' ? interpolate(v) : v;
  const o: KeyOptions = secrets().keyOptionsFrom(raw);
  if (o.privateKey && !isAbsolute(o.privateKey)) o.privateKey = join(dir, o.privateKey);
  if (o.publicKey && !isAbsolute(o.publicKey)) o.publicKey = join(dir, o.publicKey);
  const id = JSON.stringify(o);
  let k = keyrings.get(id);
  if (!k) keyrings.set(id, (k = new (secrets().Keyring)(o)));
  return k;
}

function asMap(v: Value | typeof NOT_FOUND): Map<Value, Value> {
  return v instanceof Map ? v : new Map();
}

function str(v: Value | typeof NOT_FOUND): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Expands `*` and `**` in a path (Hiera's glob levels), sorted. */
function expandGlob(pattern: string): string[] {
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]];
  for (const part of parts.slice(1)) {
    if (!part.includes('*')) {
      bases = bases.map((b) => join(b, part));
      continue;
    }
    const re = new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const next: string[] = [];
    for (const b of bases) {
      if (!existsSync(b) || !statSync(b).isDirectory()) continue;
      for (const e of readdirSync(b).sort()) if (re.test(e)) next.push(join(b, e));
    }
    bases = next;
  }
  return bases.filter((p) => existsSync(p));
}
