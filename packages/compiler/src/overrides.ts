// Attribute operations applied to resources away from where they are declared: resource
// defaults (`File { mode => '0644' }`), which resources take when they are created, and
// overrides (`File['/x'] { mode => '0600' }`, collector bodies), which change resources that
// exist, or wait until the end for those that do not yet.
import type * as A from '@kasper/language';
import { errorAt, type Frame } from './frame.ts';
import type { Evaluator } from './evaluator.ts';
import { normalizeName, type Loader } from './loader.ts';
import { placeText, referenceString, sourceOf, type ResourceState } from './resources.ts';
import type { ResourceTable } from './resource-table.ts';
import type { Scope } from './scope.ts';
import { ResourceType, describe } from './types/index.ts';
import { puppetEquals, type Value } from './values.ts';

/** Resource defaults per scope, looked up dynamically: from a scope to the scopes that declared it. */
export class ResourceDefaults {
  private readonly evaluator: Evaluator;
  /** Per scope: type → parameter → value. */
  private readonly defaults = new Map<Scope, Map<string, Map<string, Value>>>();
  /** The scope that declared a class or define: defaults are looked up along this chain. */
  private readonly dynamicParent = new Map<Scope, Scope>();

  constructor(evaluator: Evaluator) {
    this.evaluator = evaluator;
  }

  /** Notes that the class or define whose scope is `scope` was declared from `declarer`. */
  declaredFrom(scope: Scope, declarer: Scope): void {
    this.dynamicParent.set(scope, declarer);
  }

  /** `Type { … }`: defaults for the type in this frame's scope. */
  add(e: A.ResourceDefaultsExpression, frame: Frame): Value {
    const t = this.evaluator.evaluate(e.typeRef, frame);
    const typeName = t instanceof ResourceType ? t.typeName : undefined;
    if (!typeName) throw errorAt('KSP-RES-007', { value: describe(t) }, frame, e.typeRef);
    let perScope = this.defaults.get(frame.scope);
    if (!perScope) this.defaults.set(frame.scope, (perScope = new Map()));
    const key = normalizeName(typeName);
    const params = perScope.get(key) ?? new Map<string, Value>();
    for (const [k, v] of this.evaluator.attributes(e.operations, frame)) params.set(k, v);
    perScope.set(key, params);
    return undefined;
  }

  /** The defaults for a type seen from a scope, nearest scope first (dynamic scoping). */
  for(type: string, scope: Scope): ReadonlyMap<string, Value> {
    // Made only when some scope has defaults for the type: most resources get none.
    let out: Map<string, Value> | undefined;
    // An inheriting class looks in the class it inherits first (Puppet: `class c inherits p` gets
    // p's defaults), then, as every scope, where it was declared from.
    for (let s: Scope | null = scope; s; s = s.kind === 'class' && s.parent?.kind === 'class' ? s.parent : this.dynamicParent.get(s) ?? s.parent) {
      const d = this.defaults.get(s)?.get(type);
      if (d) {
        const o = (out ??= new Map<string, Value>());
        d.forEach((v, k) => {
          if (!o.has(k)) o.set(k, v);
        });
      }
    }
    return out ?? NO_DEFAULTS;
  }
}

const NO_DEFAULTS: ReadonlyMap<string, Value> = new Map();

interface PendingOverride {
  target: Value;
  ops: A.AttributeOp[];
  frame: Frame;
  at: A.Range;
  /** A collector's override: it may change what others set. */
  collector: boolean;
}

/** Resource overrides, applied when their resources exist. */
export class Overrides {
  private readonly evaluator: Evaluator;
  private readonly table: ResourceTable;
  private readonly loader: Loader;
  private readonly pending: PendingOverride[] = [];

  /** Resource defaults: a parameter a default set may be overridden from the same place. */
  private readonly defaults: ResourceDefaults | undefined;

  constructor(evaluator: Evaluator, table: ResourceTable, loader: Loader, defaults?: ResourceDefaults) {
    this.evaluator = evaluator;
    this.table = table;
    this.loader = loader;
    this.defaults = defaults;
  }

  /** `Type['title'] { … }`: applied now if its resources exist, else kept for the end. */
  add(e: A.ResourceOverrideExpression, frame: Frame): void {
    const target = this.evaluator.evaluate(e.resources, frame);
    const o: PendingOverride = { target, ops: e.operations, frame, at: e, collector: false };
    this.pending.push(o);
    this.apply(o, false);
  }

  /** A collector's body, on a resource it found. */
  applyCollected(target: Value, ops: A.AttributeOp[], frame: Frame, at: A.Range): void {
    this.apply({ target, ops, frame, at, collector: true }, true);
  }

  /** At the end: the overrides still waiting, whose resources must exist by now. */
  applyPending(): void {
    for (const o of this.pending.splice(0)) this.apply(o, true);
  }

  /** Applies an override now if its resources exist; otherwise keeps it for the end. */
  private apply(o: PendingOverride, final: boolean): void {
    const targets = this.referencedResources(o.target, o.frame, o.at, final);
    if (targets === null) return;
    const i = this.pending.indexOf(o);
    if (i >= 0) this.pending.splice(i, 1);
    for (const r of targets) {
      for (const op of o.ops) {
        if (op.kind === 'AttributesOperation') {
          const h = this.evaluator.evaluate(op.value, o.frame);
          if (h instanceof Map) for (const [k, v] of h) if (typeof k === 'string') this.table.setParam(r, k, v, o.frame, op);
          continue;
        }
        const v = this.evaluator.evaluate(op.value, o.frame);
        if (op.operator === '+>') {
          // As Puppet: a parameter not set yet takes the value as it is; a set one becomes
          // [old, new] flattened all the way.
          const old = r.params.get(op.name);
          if (!o.collector) this.checkOverrideSource(r, op.name, o.frame, op);
          this.table.setParam(r, op.name, old === undefined ? v : ([old, v] as Value[]).flat(Infinity as 1) as Value[], o.frame, op);
        } else {
          if (!o.collector) this.checkOverrideSource(r, op.name, o.frame, op);
          this.table.setParam(r, op.name, v, o.frame, op);
        }
      }
    }
  }

  /** Whether class `child` inherits from `parent` (itself not counted). */
  private isSubclassOf(child: string, parent: string): boolean {
    for (let n: string | null = child, guard = 0; n && guard < 100; guard++) {
      if (n === parent && n !== child) return true;
      const def = this.loader.findClass(n);
      n = def?.node.parent ? normalizeName(def.node.parent) : null;
    }
    return false;
  }

  /**
   * Overriding a parameter already set is only allowed from a subclass of where it was set, or
   * from the same place when a resource default gave the value (Puppet's override rule: the main
   * manifest may not override what it set itself).
   */
  private checkOverrideSource(r: ResourceState, param: string, frame: Frame, at: A.Range): void {
    const current = r.params.get(param);
    if (current === undefined) return;
    const setBy = r.paramSource(param);
    const here = sourceOf(frame.container);
    if (setBy === undefined || this.isSubclassOf(here, setBy)) return;
    if (setBy === here && this.defaults && puppetEquals(this.defaults.for(r.type.toLowerCase(), frame.scope).get(param), current)) return;
    const where = r.paramSetBy.get(param);
    throw errorAt('KSP-RES-016', { ref: r.ref, parameter: param, where: where ? ` at ${placeText(where)}` : '', setter: setBy ? `class ${setBy}` : 'the main manifest' }, frame, at);
  }

  /**
   * The resources a value refers to: references, arrays of them, or collected resources.
   * Returns null when some do not exist yet (and `final` is false).
   */
  private referencedResources(v: Value, frame: Frame, at: A.Range, final: boolean): ResourceState[] | null {
    const out: ResourceState[] = [];
    const visit = (x: Value): boolean => {
      if (Array.isArray(x)) return x.every(visit);
      const ref = referenceString(x);
      if (!ref) {
        throw errorAt('KSP-RES-012', { value: describe(x) }, frame, at);
      }
      const r = this.table.find(ref);
      if (!r) {
        if (final) throw errorAt('KSP-RES-013', { ref }, frame, at);
        return false;
      }
      out.push(r);
      return true;
    };
    return visit(v) ? out : null;
  }
}
