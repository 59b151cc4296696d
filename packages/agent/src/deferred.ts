// Deferred values: function calls the compiler left in the catalog for the agent to make
// (@kasper/catalog's rich.ts has their form). Before anything is applied, every Deferred in every
// resource's parameters is replaced by what its function returns, as Puppet 7's agent does by
// default (preprocess_deferred): a call that fails fails the run before any resource changes.
//
// Where the functions come from: the agent does not import the compiler (design.md), so whoever
// wires the run hands it a caller (`kasper apply` and `kasper agent` pass the compiler's function
// library, run outside a compilation as Puppet's agent runs its own); without one, the few
// functions below that need nothing of a compiler answer (join, unwrap, dig and `$variable`).
//
// Sensitive: a Sensitive argument reaches the function as Sensitive; a result that is Sensitive
// (or holds one) makes the parameter sensitive, so its value never reaches a log line, an event or
// the report. `unwrap` takes the Sensitive off on purpose, and then the value shows, as in Puppet.
import {
  CatalogFloat, CatalogInteger, containsDeferred, containsSensitive, isDeferredData, refKey, isSensitiveData, sensitiveData, type Catalog, type CatalogResource, type CatalogValue, type DeferredData,
} from '@kasper/catalog';
import { raise } from './messages.ts';

/** Calls a function by name on catalog data; Sensitive arguments and results are `{__ptype: 'Sensitive', …}`. */
export type DeferredCaller = (name: string, args: CatalogValue[]) => CatalogValue | Promise<CatalogValue>;

export interface DeferredOptions {
  /** The node's facts: `Deferred('$facts', ['os', 'family'])` digs into them. */
  facts?: Record<string, unknown>;
  /** The function library; without it only the built-in functions below are known. */
  call?: DeferredCaller;
  /**
   * Puppet's preprocess_deferred: true (the default) resolves every value before anything is
   * applied; false resolves a resource's when it comes to be evaluated, after what it requires
   * (a failure then ends the run there, as Puppet's "Failed to apply catalog").
   */
  preprocess?: boolean;
}

/** Ruby's Array#join: nested arrays flattened, nil as the empty string. */
function rubyJoin(v: CatalogValue, sep: string): string {
  if (Array.isArray(v)) return v.map((x) => rubyJoin(x, sep)).join(sep);
  if (v === null) return '';
  if (v instanceof CatalogFloat) return Number.isInteger(v.value) ? v.value.toFixed(1) : String(v.value);
  if (v instanceof CatalogInteger) return String(v.value);
  return String(v);
}

function dig(value: CatalogValue | undefined, path: CatalogValue[]): CatalogValue {
  let cur: CatalogValue | undefined = value;
  for (const key of path) {
    if (cur === undefined || cur === null) return null;
    if (Array.isArray(cur)) cur = typeof key === 'number' ? cur[key < 0 ? cur.length + key : key] : undefined;
    else if (typeof cur === 'object' && typeof key === 'string') cur = (cur as Record<string, CatalogValue>)[key];
    else throw raise('KSP-AGENT-042', { function: 'dig', problem: `cannot dig into ${JSON.stringify(cur)} with ${JSON.stringify(key)}` });
  }
  return cur ?? null;
}

/** The functions an agent can make without a compiler. */
const BUILTIN: Record<string, (args: CatalogValue[]) => CatalogValue> = {
  join: (args) => {
    if (args.length < 1 || args.length > 2) throw raise('KSP-AGENT-042', { function: 'join', problem: `expects between 1 and 2 arguments, got ${args.length}` });
    if (!Array.isArray(args[0])) throw raise('KSP-AGENT-042', { function: 'join', problem: "parameter 'arg' expects an Array value" });
    return rubyJoin(args[0], typeof args[1] === 'string' ? args[1] : '');
  },
  unwrap: (args) => (isSensitiveData(args[0]) ? args[0].__pvalue : args[0] ?? null),
  dig: (args) => dig(args[0], args.slice(1)),
};

/** Resolves Deferred values in one value; `sensitive` is set when a Sensitive remains in the result. */
class Resolver {
  private readonly options: DeferredOptions;
  constructor(options: DeferredOptions) {
    this.options = options;
  }

  async resolve(v: CatalogValue): Promise<CatalogValue> {
    if (isDeferredData(v)) return this.call(v);
    if (Array.isArray(v)) {
      const out: CatalogValue[] = [];
      for (const x of v) out.push(await this.resolve(x));
      return out;
    }
    if (isSensitiveData(v)) return sensitiveData(await this.resolve(v.__pvalue));
    if (v !== null && typeof v === 'object' && containsDeferred(v)) {
      const out: Record<string, CatalogValue> = {};
      for (const [k, x] of Object.entries(v as Record<string, CatalogValue>)) out[k] = await this.resolve(x);
      return out;
    }
    return v;
  }

  private async call(d: DeferredData): Promise<CatalogValue> {
    // Nested Deferred arguments are resolved first.
    const args: CatalogValue[] = [];
    for (const a of d.arguments ?? []) args.push(await this.resolve(a));
    let name = d.name;
    // `$x` reads the variable x (only $facts exists on the agent), digging with the arguments.
    if (name.startsWith('$')) {
      args.unshift(name === '$facts' ? (this.options.facts ?? {}) as CatalogValue : null);
      name = 'dig';
    }
    if (this.options.call) return await this.options.call(name, args);
    const f = BUILTIN[name];
    if (!f) throw raise('KSP-AGENT-041', { name });
    return f(args);
  }
}

/** Takes every Sensitive off a resolved value; says whether there was one. */
function unwrapAll(v: CatalogValue): { value: CatalogValue; sensitive: boolean } {
  if (isSensitiveData(v)) return { value: unwrapAll(v.__pvalue).value, sensitive: true };
  if (Array.isArray(v)) {
    let sensitive = false;
    const value = v.map((x) => {
      const r = unwrapAll(x);
      sensitive ||= r.sensitive;
      return r.value;
    });
    return { value, sensitive };
  }
  if (v !== null && typeof v === 'object' && !(v instanceof CatalogFloat) && !(v instanceof CatalogInteger)) {
    let sensitive = false;
    const value: Record<string, CatalogValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, CatalogValue>)) {
      const r = unwrapAll(x);
      sensitive ||= r.sensitive;
      value[k] = r.value;
    }
    return { value, sensitive };
  }
  return { value: v, sensitive: false };
}

/**
 * Takes off the Sensitive values inside parameters (in an array or hash, as Puppet 7's rich data
 * writes them) that hold no Deferred: the parameter gets the plain value and joins the resource's
 * sensitive_parameters, so the value reaches the provider and never a log line, an event or the
 * report. Those with a Deferred are left to its resolution, which does the same. Returns how
 * many parameters changed.
 */
export function unwrapNestedSensitive(catalog: Catalog): number {
  let count = 0;
  for (const r of catalog.resources) {
    for (const [k, v] of r.parameters) {
      if (!containsSensitive(v) || containsDeferred(v)) continue;
      r.parameters.set(k, unwrapAll(v).value);
      if (!r.sensitiveParameters?.includes(k)) r.sensitiveParameters = [...(r.sensitiveParameters ?? []), k];
      count++;
    }
  }
  return count;
}

/**
 * Replaces every Deferred in the catalog's resource parameters by its function's result, in
 * place. A parameter whose result is (or holds) a Sensitive gets the plain value and joins the
 * resource's sensitive_parameters. Throws KSP-AGENT-040 (resource, parameter, why) on the first
 * call that fails.
 */
export async function resolveDeferred(catalog: Catalog, options: DeferredOptions = {}): Promise<number> {
  let count = 0;
  for (const r of catalog.resources) count += await resolveResource(r, options);
  return count;
}

/** Whether a resource has a Deferred value in its parameters. */
export function hasDeferred(r: CatalogResource): boolean {
  for (const v of r.parameters.values()) if (containsDeferred(v)) return true;
  return false;
}

/** resolveDeferred for one resource (preprocess_deferred = false resolves each as it comes). */
export async function resolveResource(r: CatalogResource, options: DeferredOptions = {}): Promise<number> {
  const resolver = new Resolver(options);
  let count = 0;
  {
    for (const [k, v] of r.parameters) {
      if (!containsDeferred(v)) continue;
      let resolved: CatalogValue;
      try {
        resolved = await resolver.resolve(v);
      } catch (e) {
        throw raise('KSP-AGENT-040', { resource: refKey(r.type, r.title), parameter: k, reason: (e as Error).message }, undefined, e);
      }
      const { value, sensitive } = unwrapAll(resolved);
      r.parameters.set(k, value);
      if (sensitive && !r.sensitiveParameters?.includes(k)) r.sensitiveParameters = [...(r.sensitiveParameters ?? []), k];
      count++;
    }
  }
  return count;
}
