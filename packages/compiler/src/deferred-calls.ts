// The compiler's functions for an agent resolving Deferred values: a function is called by name at
// top scope with the node's facts, outside any compilation, as Puppet's agent calls its function
// library in a script compiler. The agent does not import the compiler (design.md); whoever wires
// the two (the CLI) hands it this caller. Values cross in the catalog's rich-data form
// (@kasper/catalog's rich.ts), the one the agent reads from the catalog.
import { CatalogFloat, CatalogInteger, PTYPE_KEY, PVALUE_KEY, isDeferredData, isRichScalarData, isSensitiveData, type CatalogValue } from '@kasper/catalog';
import { Compilation } from './compilation.ts';
import { Hiera } from './hiera.ts';
import { Loader, type EnvironmentConfig } from './loader.ts';
import { richValue } from './resources.ts';
import { DEFAULT, PBinary, PDeferred, PRegexp, PSensitive, type Value } from './values.ts';
import { parseRange, parseVersion } from './types/semver.ts';
import { parseUri } from './types/uri.ts';
import { parseTimespan, parseTimestamp } from './types/time.ts';
import { ClassType, IntegerType, ResourceType, typeByName } from './types/index.ts';

export interface DeferredCallerOptions {
  /** The environment whose functions (modules', the environment's own) are known besides the built-in ones. */
  environment: EnvironmentConfig;
  node: string;
  /** The node's facts: `$facts` in a Puppet function the call reaches. */
  facts: Map<string, Value>;
}

/** Catalog data as a compiler value: integers as Integer, Sensitive and Deferred as themselves. */
export function fromCatalogData(v: unknown): Value {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof CatalogFloat) return v.value;
  if (v instanceof CatalogInteger) return v.value;
  if (Array.isArray(v)) return v.map(fromCatalogData);
  if (isSensitiveData(v)) return new PSensitive(fromCatalogData(v.__pvalue));
  if (isDeferredData(v)) return new PDeferred(v.name, v.arguments?.map(fromCatalogData));
  if (isRichScalarData(v)) {
    const text = v.__pvalue;
    switch (v.__ptype) {
      case 'Regexp': return new PRegexp(text);
      case 'SemVer': return parseVersion(text);
      case 'SemVerRange': return parseRange(text);
      case 'URI': return parseUri(text);
      case 'Binary': return new PBinary(Buffer.from(text, 'base64'));
      case 'Timestamp': return parseTimestamp(text);
      case 'Timespan': return parseTimespan(text);
    }
  }
  const o = v as Record<string, unknown>;
  const ptype = o[PTYPE_KEY];
  if (typeof ptype === 'string') {
    if (ptype === 'Default') return DEFAULT;
    if (ptype === 'Hash' && Array.isArray(o[PVALUE_KEY])) {
      const list = (o[PVALUE_KEY] as unknown[]).map(fromCatalogData);
      const m = new Map<Value, Value>();
      for (let i = 0; i + 1 < list.length; i += 2) m.set(list[i], list[i + 1]);
      return m;
    }
    if (ptype === 'Pcore::ResourceType' && typeof o.type_name === 'string') return new ResourceType(o.type_name.toLowerCase(), typeof o.title === 'string' ? o.title : undefined);
    if (ptype === 'Pcore::ClassType') return new ClassType(typeof o.class_name === 'string' ? o.class_name : undefined);
    if (ptype === 'Pcore::IntegerType') return new IntegerType(typeof o.from === 'number' ? BigInt(o.from) : null, typeof o.to === 'number' ? BigInt(o.to) : null);
    const simple = /^Pcore::(\w+)Type$/.exec(ptype);
    const t = simple ? typeByName(simple[1]) : undefined;
    if (t) return t;
  }
  const m = new Map<Value, Value>();
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromCatalogData(x));
  return m;
}

/**
 * A caller of the compiler's functions on catalog data: `call('sprintf', ['%03d', 7])` is '007'.
 * The compiler's state (loader, caches) is made on the first call and kept for the others.
 */
export function deferredCaller(options: DeferredCallerOptions): (name: string, args: CatalogValue[]) => CatalogValue {
  let compilation: Compilation | undefined;
  return (name, args) => {
    if (!compilation) {
      const loader = new Loader(options.environment);
      const configs = [options.environment.globalHieraConfig, options.environment.hieraConfig].filter((c): c is string => c !== undefined);
      const hiera = new Hiera(configs, (m) => loader.moduleDir(m));
      compilation = new Compilation({ loader, node: { name: options.node, facts: options.facts }, hiera });
    }
    return richValue(compilation.callAtTop(name, args.map(fromCatalogData)));
  };
}
