// Rich data in a catalog: the values plain JSON cannot carry, written as Puppet 7 writes them when
// rich_data is on (the catalog a puppetserver sends an agent that accepts
// application/vnd.puppet.rich+json, and the one the agent caches): a hash whose `__ptype` key
// names the type. Kasper's catalogs carry two of them:
//
//   Deferred   {"__ptype": "Deferred", "name": "join", "arguments": [[1, 2, 3], ":"]}
//              a function call the agent makes before applying (arguments left out when none
//              were given: Deferred('f'))
//   Sensitive  {"__ptype": "Sensitive", "__pvalue": "s3cret"}
//              a Sensitive value below a parameter's top level: in an array or hash of a
//              parameter, or inside a Deferred's arguments (a parameter that is Sensitive as a
//              whole is unwrapped and named in the resource's sensitive_parameters instead, as
//              Puppet does). The agent takes nested ones off and makes the parameter sensitive.
//
//   SemVer, SemVerRange, URI, Timestamp, Timespan, Binary, Regexp
//              {"__ptype": "SemVer", "__pvalue": "1.2.3"}: a value Puppet writes as its text
//              (a Binary as strict base64, a Regexp as its pattern)
//   Default    {"__ptype": "Default"}
//   Hash       {"__ptype": "Hash", "__pvalue": [k1, v1, k2, v2]}: a hash with a key that is not a String
//   an Object  {"__ptype": "Person", "name": "Ann", "age": 30}: an instance of an Object type, its
//              attributes by name (those not at their default)
//
// The compiler writes them, the agent resolves them; both take the words from here.
import type { CatalogValue } from './catalog.ts';

export const PTYPE_KEY = '__ptype';
export const PVALUE_KEY = '__pvalue';

// Type aliases, not interfaces, so they are CatalogValues (which have an index signature).
export type DeferredData = {
  __ptype: 'Deferred';
  name: string;
  arguments?: CatalogValue[];
};

export type SensitiveData = {
  __ptype: 'Sensitive';
  __pvalue: CatalogValue;
};

function ptypeOf(v: unknown): unknown {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[PTYPE_KEY] : undefined;
}

/** A Deferred in the catalog's form; `args` undefined when the call has none (`Deferred('f')`). */
export function deferredData(name: string, args?: CatalogValue[]): DeferredData {
  return args === undefined ? { __ptype: 'Deferred', name } : { __ptype: 'Deferred', name, arguments: args };
}

export function isDeferredData(v: unknown): v is DeferredData {
  return ptypeOf(v) === 'Deferred' && typeof (v as DeferredData).name === 'string';
}

export function sensitiveData(value: CatalogValue): SensitiveData {
  return { __ptype: 'Sensitive', __pvalue: value };
}

export function isSensitiveData(v: unknown): v is SensitiveData {
  return ptypeOf(v) === 'Sensitive' && PVALUE_KEY in (v as object);
}

/** Whether a parameter value holds a Sensitive anywhere below its top (in arrays, hashes). */
export function containsSensitive(v: unknown): boolean {
  if (isSensitiveData(v)) return true;
  if (Array.isArray(v)) return v.some(containsSensitive);
  if (v !== null && typeof v === 'object') return Object.values(v as Record<string, unknown>).some(containsSensitive);
  return false;
}

/**
 * The parameters of a resource whose values are secret: those named in its sensitive_parameters
 * and those holding a Sensitive below their top. Whoever shows or stores a catalog hides these.
 */
export function secretParameters(sensitiveParameters: readonly string[] | undefined, parameters: Iterable<[string, unknown]>): Set<string> {
  const out = new Set(sensitiveParameters ?? []);
  for (const [k, v] of parameters) if (containsSensitive(v)) out.add(k);
  return out;
}

/** The rich types Puppet writes as `{__ptype, __pvalue: text}`. */
export const RICH_SCALAR_TYPES = ['SemVer', 'SemVerRange', 'URI', 'Timestamp', 'Timespan', 'Binary', 'Regexp'] as const;
export type RichScalarType = (typeof RICH_SCALAR_TYPES)[number];

export type RichScalarData = {
  __ptype: RichScalarType;
  __pvalue: string;
};

export function richScalarData(type: RichScalarType, text: string): RichScalarData {
  return { __ptype: type, __pvalue: text };
}

export function isRichScalarData(v: unknown): v is RichScalarData {
  const t = ptypeOf(v);
  return typeof t === 'string' && (RICH_SCALAR_TYPES as readonly string[]).includes(t) && typeof (v as RichScalarData).__pvalue === 'string';
}

/**
 * A rich value as an agent's provider takes it, what Puppet's agent sees of the object: the text
 * of a SemVer, URI, Timestamp …, a Binary's bytes (a Buffer: file content), a Regexp as
 * `/pattern/`, Default as 'default', a type by its Puppet name (`Integer[1, 2]`), a hash with
 * non-String keys with its keys as text.
 * Undefined for a value that is not rich data of those kinds.
 */
export function plainRichValue(v: unknown, plain: (x: unknown) => unknown): unknown {
  if (isRichScalarData(v)) {
    if (v.__ptype === 'Binary') return Buffer.from(v.__pvalue, 'base64');
    if (v.__ptype === 'Regexp') return `/${v.__pvalue}/`;
    return v.__pvalue;
  }
  const t = ptypeOf(v);
  if (t === 'Default') return 'default';
  // A type (Pcore::IntegerType, Pcore::StringType …): its Puppet name, as the agent prints it.
  if (typeof t === 'string' && /^Pcore::\w+Type$/.test(t)) {
    const o = v as Record<string, unknown>;
    const name = t.slice('Pcore::'.length, -'Type'.length);
    if (name === 'Resource' && typeof o.type_name === 'string') return typeof o.title === 'string' ? `${o.type_name}['${o.title}']` : o.type_name;
    if (name === 'Class' && typeof o.class_name === 'string') return `Class[${o.class_name}]`;
    if (name === 'Integer' && (o.from !== undefined || o.to !== undefined)) return `Integer[${o.from ?? 'default'}${o.to !== undefined ? `, ${o.to}` : ''}]`;
    return name;
  }
  if (t === 'Hash' && Array.isArray((v as Record<string, unknown>)[PVALUE_KEY])) {
    const list = (v as Record<string, unknown[]>)[PVALUE_KEY];
    const o: Record<string, unknown> = {};
    for (let i = 0; i + 1 < list.length; i += 2) o[String(plain(list[i]))] = plain(list[i + 1]);
    return o;
  }
  return undefined;
}

/** Whether a parameter value holds a Deferred anywhere (directly, in arrays, hashes or Sensitive). */
export function containsDeferred(v: unknown): boolean {
  if (isDeferredData(v)) return true;
  if (Array.isArray(v)) return v.some(containsDeferred);
  if (v !== null && typeof v === 'object') return Object.values(v as Record<string, unknown>).some(containsDeferred);
  return false;
}
