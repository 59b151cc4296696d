// Classes and defined types: declaring classes (include, require, contain, `class { 'x': }`),
// evaluating their bodies and those of declared defines, and binding their parameters from
// what was given, Hiera and defaults.
import type * as A from '@kasper/language';
import { METAPARAMETERS, capitalizeType } from '@kasper/catalog';
import { NextSignal, ReturnSignal, errorAt, illegalSignal, type Frame } from './frame.ts';
import type { Evaluator } from './evaluator.ts';
import { locate, normalizeName, type ClassDefinition, type Loader } from './loader.ts';
import type { ResourceDefaults } from './overrides.ts';
import { addTag, type ResourceState } from './resources.ts';
import type { ResourceTable } from './resource-table.ts';
import { Scope } from './scope.ts';
import { classType, describeMismatch } from './types/index.ts';
import { isType, type Value } from './values.ts';

export interface ClassesOptions {
  loader: Loader;
  evaluator: Evaluator;
  table: ResourceTable;
  defaults: ResourceDefaults;
  topScope: Scope;
  /** Stage[main], which contains the classes. */
  stage: ResourceState;
  /** Class[main]: the site manifest's top-level code. */
  mainClass: ResourceState;
  /** Puppet's own Class[Settings], which a class named `settings` in the code fills. */
  settings: ResourceState;
  /** The node's certname, for "could not find class" errors. */
  nodeName: string;
  /** The catalog's tags, which take each class's own tags. */
  catalogTags: Set<string>;
  /** Hiera's value for `<class>::<parameter>`, when there is Hiera data. */
  lookup: ((key: string, frame: Frame, at: A.Range) => { found: boolean; value: Value }) | null;
}

export class Classes {
  /** Class names in the order they were evaluated: the catalog's `classes`. */
  readonly order: string[] = ['settings'];
  /** The node definition's scope once it is evaluated: classes and defines see it as parent. */
  nodeScope: Scope | null = null;
  private readonly o: ClassesOptions;
  /** Evaluated classes by name, with their scope (for `$class::var` and inheritance). */
  private readonly scopes = new Map<string, Scope>();
  private readonly resources = new Map<string, ResourceState>();
  private settingsEvaluated = false;

  constructor(options: ClassesOptions) {
    this.o = options;
    this.scopes.set('', options.topScope);
    this.scopes.set('main', options.topScope);
  }

  /** The scope of an evaluated class (`''` and `main` are top scope). */
  scopeOf(name: string): Scope | undefined {
    return this.scopes.get(name);
  }

  isDeclared(name: string): boolean {
    return this.resources.has(name);
  }

  /** include/require/contain and `class { 'x': }`. Returns the class resource. */
  declare(name: string, params: Map<string, Value> | null, frame: Frame, at: A.Range, form: A.ResourceForm = 'regular'): ResourceState {
    return this.declareAll([name], params, frame, at, form)[0];
  }

  /**
   * Declares classes the way Puppet's include does: every class resource is added to the catalog
   * first (from the including scope, whose tags it takes), then each is evaluated in turn. So in
   * `include a, b` where a includes b, Class[B] is created by the include, not by a.
   */
  declareAll(names: string[], params: Map<string, Value> | null, frame: Frame, at: A.Range, form: A.ResourceForm = 'regular'): ResourceState[] {
    const pending: { def: ClassDefinition; res: ResourceState }[] = [];
    const out: ResourceState[] = [];
    for (const name of names) {
      const n = normalizeName(name);
      if (form !== 'regular') throw errorAt('KSP-CLASS-005', { name: capitalizeType(n) }, frame, at);
      // A class named `settings` in the code is evaluated into Puppet's own Class[Settings].
      // Declared again, it is the same class, evaluated once.
      if (n === 'settings') {
        if (!this.settingsEvaluated) {
          const def = this.o.loader.findClass(n);
          this.settingsEvaluated = true;
          if (def) pending.push({ def, res: this.o.settings });
        }
        out.push(this.o.settings);
        continue;
      }
      const existing = this.resources.get(n);
      if (existing) {
        if (params) {
          throw errorAt('KSP-CLASS-002', { name: capitalizeType(n), where: existing.file ? ` (file: ${existing.file}, line: ${existing.line})` : '' }, frame, at);
        }
        out.push(existing);
        continue;
      }
      const def = this.o.loader.findClass(n);
      if (!def) throw errorAt('KSP-CLASS-001', { name: n, node: this.o.nodeName }, frame, at);
      const res = this.createClassResource(def, params, frame, at);
      pending.push({ def, res });
      out.push(res);
    }
    for (const { def, res } of pending) this.evaluateClass(def, res, params, frame, at);
    return out;
  }

  /** `contain`: the current class also contains the class (Puppet adds an edge; the stage keeps its own). */
  contain(res: ResourceState, frame: Frame): void {
    const container = frame.container;
    if (container === res || res.alsoContainedBy.includes(container)) return;
    res.alsoContainedBy.push(container);
  }

  /** `require`: the current class or define requires the class (a `require` metaparameter). */
  require(frame: Frame, classRes: ResourceState): void {
    const c = frame.container;
    if (c === this.o.mainClass || c.kind === 'node') return;
    const old = c.params.get('require');
    const list = old === undefined ? [] : Array.isArray(old) ? old : [old];
    c.params.set('require', [...list, classType(classRes.title.toLowerCase())]);
  }

  /** Evaluates one declared defined-type resource: its body in a new scope. */
  evaluateDefine(r: ResourceState): void {
    r.evaluated = true;
    const { loader, evaluator } = this.o;
    const def = loader.findDefine(r.type.toLowerCase())!;
    const scope = new Scope('define', this.nodeScope ?? this.o.topScope, def.name);
    this.o.defaults.declaredFrom(scope, r.scope);
    const frame: Frame = { scope, file: def.file, container: r };
    scope.set('title', r.titleValue ?? r.title);
    scope.set('name', r.params.has('name') ? r.params.get('name') : r.titleValue ?? r.title);
    scope.set('module_name', def.file.module ?? '');
    setCallerModuleName(scope, r.scope);
    const given = new Map([...r.params].filter(([k]) => k !== 'name'));
    for (const k of [...r.params.keys()]) if (!METAPARAMETERS.has(k) && k !== 'name') r.params.delete(k);
    const outer: Frame = { scope: r.scope, file: loader.load(r.file ?? def.file.path), container: r };
    this.bindParameters(def.node.parameters, given, r, frame, outer, { start: r.declaredAt, end: r.declaredAt }, r.ref, null);
    try {
      evaluator.evaluateBlock(def.node.body, frame);
    } catch (s) {
      // return() and next() end the body; break() has nothing to end here.
      if (!(s instanceof ReturnSignal || s instanceof NextSignal)) throw illegalSignal(s);
    }
  }

  private createClassResource(def: ClassDefinition, params: Map<string, Value> | null, frame: Frame, at: A.Range): ResourceState {
    const n = def.name;
    const title = capitalizeType(n);
    const res = this.o.table.create('Class', title, 'class', this.o.topScope, this.o.stage);
    res.tags.clear();
    res.tags.add('class');
    addTag(res.tags, n);
    // Included classes carry no file and line in Puppet's catalogs; resource-like ones do.
    if (params) {
      const loc = locate(frame.file, at.start);
      res.file = loc.file;
      res.line = loc.line;
      res.declaredAsResource = true;
    }
    this.resources.set(n, res);
    this.order.push(n);
    return res;
  }

  private evaluateClass(def: ClassDefinition, res: ResourceState, params: Map<string, Value> | null, frame: Frame, at: A.Range): void {
    const n = def.name;
    const { topScope, loader } = this.o;
    let parentScope: Scope = this.nodeScope ?? topScope;
    if (def.node.parent) {
      const parentName = normalizeName(def.node.parent);
      if (parentName === n) throw errorAt('KSP-CLASS-006', { name: n }, frame, at);
      if (!this.resources.has(parentName) && !loader.findClass(parentName)) {
        const defFrame: Frame = { scope: topScope, file: def.file, container: this.o.mainClass };
        throw errorAt('KSP-CLASS-007', { parent: parentName, name: n }, defFrame, def.node);
      }
      const parent = this.resources.get(parentName) ?? this.declare(parentName, null, frame, at);
      parentScope = this.scopes.get(normalizeName(parent.title)) ?? parentScope;
    }
    const scope = new Scope('class', parentScope, n);
    this.o.defaults.declaredFrom(scope, frame.scope);
    this.scopes.set(n, scope);
    const classFrame: Frame = { scope, file: def.file, container: res };
    scope.set('title', n);
    scope.set('name', n);
    scope.set('module_name', def.file.module ?? '');
    // A subclass's scope comes from its parent class, so that is who "called" it.
    setCallerModuleName(scope, def.node.parent ? parentScope : frame.scope);
    this.bindParameters(def.node.parameters, params ?? new Map(), res, classFrame, frame, at, res.ref, n);
    // The catalog takes the class's own tags (name, `tag` metaparameter) as it is evaluated;
    // the tags of the scope that declared it are added to the resource only.
    for (const t of res.tags) this.o.catalogTags.add(t);
    res.declaredIn = frame.container;
    try {
      this.o.evaluator.evaluateBlock(def.node.body, classFrame);
    } catch (s) {
      // return() and next() end the body; break() has nothing to end here.
      if (!(s instanceof ReturnSignal || s instanceof NextSignal)) throw illegalSignal(s);
    }
  }

  /**
   * Binds a class's or define's parameters: given values, then (for classes) Hiera's
   * `<class>::<param>`, then the default; checks types; records them on the resource.
   */
  private bindParameters(
    params: A.Parameter[], given: Map<string, Value>, res: ResourceState, inner: Frame, outer: Frame, at: A.Range,
    what: string, lookupPrefix: string | null,
  ): void {
    const { evaluator, lookup } = this.o;
    given.forEach((v, k) => {
      if (METAPARAMETERS.has(k)) {
        // A define's metaparameters are already set, where their attributes are written.
        if (res.params.get(k) !== v || !res.paramSetBy.has(k)) this.o.table.setParam(res, k, v, outer, at);
        return;
      }
      if (!params.some((p) => p.name === k)) throw errorAt('KSP-CLASS-008', { resource: what, parameter: k }, outer, at);
    });
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      let v: Value;
      let have = false;
      if (given.has(p.name)) {
        v = given.get(p.name);
        have = true;
        if (v === undefined && p.value) have = false;
      }
      if (!have && lookupPrefix && lookup) {
        const r = lookup(`${lookupPrefix}::${p.name}`, inner, at);
        if (r.found) {
          v = r.value;
          have = true;
        }
      }
      if (!have) {
        if (p.value) v = evaluator.evaluate(p.value, inner);
        else if (p.typeExpr && this.acceptsUndef(p.typeExpr, inner)) v = undefined;
        else throw errorAt('KSP-CLASS-003', { resource: what, parameter: p.name }, outer, at);
      }
      if (p.typeExpr) {
        const t = evaluator.evaluateType(p.typeExpr, inner);
        if (isType(t) && !t.isInstance(v)) {
          throw errorAt('KSP-CLASS-009', { resource: what, parameter: p.name, mismatch: describeMismatch(t, v) }, outer, at);
        }
      }
      inner.scope.set(p.name, v);
      if (v !== undefined) res.params.set(p.name, v);
    }
  }

  private acceptsUndef(typeExpr: A.Expression, frame: Frame): boolean {
    const t = this.o.evaluator.evaluateType(typeExpr, frame);
    return isType(t) && t.isInstance(undefined);
  }
}

/**
 * `$caller_module_name`: the module of the code that declared the class or defined type (its
 * scope's `$module_name`); left unset, so it reads as undef, when that code is in no module.
 */
function setCallerModuleName(scope: Scope, caller: Scope): void {
  const m = caller.lookup('module_name');
  if (m.found && typeof m.value === 'string' && m.value !== '') scope.set('caller_module_name', m.value);
}
