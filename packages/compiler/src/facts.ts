// Facts files for compiling: JSON or YAML maps of fact names to values. Integers become bigints
// (Puppet's Integer) while parsing, numbers with a fraction or exponent floats, objects Hashes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Value } from './values.ts';
import { raise } from './messages.ts';
import { cachedYaml, storeYaml } from './yaml-cache.ts';

// The YAML parser (280 KiB of code) is loaded on the first YAML text only: a `kasper apply` of a
// manifest without Hiera never reads any, and leaves its memory unspent.
const require = createRequire(import.meta.url);
// A text parsed before comes from the cache of parsed data (yaml-cache.ts), without the library.
let yaml: typeof import('yaml') | undefined;
// Callers reading files (facts, hiera.yaml, Hiera data: the same texts every run) ask for it;
// texts made per request (an ENC's answer for one node in a long-running master) are not kept.
function parseYaml(variant: string, text: string, options: import('yaml').ParseOptions & import('yaml').DocumentOptions & import('yaml').SchemaOptions, cache: boolean): unknown {
  const hit = cache ? cachedYaml(variant, text) : undefined;
  if (hit) return hit.value;
  yaml ??= require('yaml') as typeof import('yaml');
  const doc = yaml.parseDocument(text, options);
  // Errors and warnings are the library's to report as it always does: such a text is parsed anew each time.
  if (doc.errors.length > 0 || doc.warnings.length > 0) return yaml.parse(text, options);
  const value: unknown = doc.toJS(options);
  if (cache) storeYaml(variant, text, value);
  return value;
}

/** Converts plain JSON/YAML data into Puppet values. */
export function fromData(v: unknown): Value {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  // parseJsonData and parseYamlData already made integers bigints; a number here is a Float.
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(fromData);
  if (v instanceof Map) return new Map([...v.entries()].map(([k, x]) => [fromData(k), fromData(x)]));
  if (typeof v === 'object') return new Map(Object.entries(v as object).map(([k, x]) => [k, fromData(x)]));
  return String(v);
}

/** Parses JSON keeping `1.0` a float and `1` an Integer (JSON.parse alone cannot tell them apart). */
export function parseJsonData(text: string): unknown {
  return JSON.parse(text, (_k, v, ctx?: { source?: string }) => {
    if (typeof v === 'number' && Number.isInteger(v) && ctx?.source && !/[.eE]/.test(ctx.source)) {
      return Number.isSafeInteger(v) ? BigInt(v) : BigInt(ctx.source);
    }
    return v;
  });
}

/** YAML 1.2 data; `cache` keeps the parsed text on disk (for files read on every run, see yaml-cache.ts). */
export function parseYamlData(text: string, { cache = false }: { cache?: boolean } = {}): unknown {
  return parseYaml('1.2', text, { intAsBigInt: true }, cache);
}

/** Hiera data is read as Puppet's Ruby reads it: YAML 1.1, where `yes`/`no`/`on`/`off` are booleans. */
export function parseYaml11Data(text: string, { cache = false }: { cache?: boolean } = {}): unknown {
  return parseYaml(`1.1-psych ${RUBY_YAML_BOOLEANS.test.source}`, text, { intAsBigInt: true, customTags: [RUBY_YAML_BOOLEANS] }, cache);
}

/** Ruby's Psych reads yes/no/on/off as booleans (but not y/n, unlike strict YAML 1.1). */
const RUBY_YAML_BOOLEANS = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:yes|on)$/i.test(s),
};

/** Reads a facts file (.json, .yaml or .yml). A Puppet facts YAML (`values:` under a `!ruby/object`) is unwrapped. */
export function loadFactsFile(path: string): Map<string, Value> {
  const text = readFileSync(path, 'utf8');
  const data = path.endsWith('.json') ? parseJsonData(text) : parseYamlData(text.replace(/^--- !ruby\/object:Puppet::Node::Facts/m, '---'), { cache: true });
  return factsFromData(data, path);
}

/** Facts from parsed data: a map of names to values, or Puppet's `{name, values}` around one. */
export function factsFromData(data: unknown, where: string): Map<string, Value> {
  let obj = data as Record<string, unknown>;
  if (obj && typeof obj === 'object' && 'values' in obj && 'name' in obj && typeof obj.values === 'object') obj = obj.values as Record<string, unknown>;
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw raise('KSP-LOAD-003', { where });
  return fromData(obj) as Map<string, Value>;
}
