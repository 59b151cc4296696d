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

/** Whether a parameter value holds a Deferred anywhere (directly, in arrays, hashes or Sensitive). */
export function containsDeferred(v: unknown): boolean {
  if (isDeferredData(v)) return true;
  if (Array.isArray(v)) return v.some(containsDeferred);
  if (v !== null && typeof v === 'object') return Object.values(v as Record<string, unknown>).some(containsDeferred);
  return false;
}
