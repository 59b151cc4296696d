// One compilation: a node's facts + an environment's code → a catalog.
//
// The phases follow Puppet's compiler:
//   1. main: the site manifest's top-level code, in Class[main] (top scope);
//   2. node: the node definition that matches the node's name, in Node[...] (node scope);
//   3. generators, until nothing changes: evaluate declared defined types, run collectors;
//   4. finish: resource overrides left pending, defaults, relationships;
//   5. the catalog: resources in declaration order, containment edges.
import type * as A from '@kasper/language';
import { capitalizeType, refKey, type Catalog } from '@kasper/catalog';
import { CompileError, type CompileErrorCode } from './errors.ts';
import { Evaluator, ReturnSignal, describe, type Frame, type Lambda } from './evaluator.ts';
import { locate, normalizeName, type ClassDefinition, type Loader, type NodeDef, type SourceFile } from './loader.ts';
import {
  METAPARAMETERS, RELATIONSHIP_PARAMETERS, ResourceState, addTag, buildCatalog, referenceString, type ResourceKind,
} from './resources.ts';
import { Scope } from './scope.ts';
import { PRegexp, isType, puppetEquals, type CollectorValue, type Value } from './values.ts';
import { ClassType, PType, ResourceType, TypeAliasType, classType, describeMismatch, resourceType } from './types/index.ts';
import { BUILTIN_FUNCTIONS, type CallContext } from './functions/index.ts';
import { BUILTIN_NAMEVARS, BUILTIN_RESOURCE_TYPES } from './resource-types.ts';
import { HieraError, type Hiera, type MergeOptions } from './hiera.ts';

export interface NodeInfo {
  /** The certname. */
  name: string;
  facts: Map<string, Value>;
  /** `$trusted`: certname, authenticated, extensions … */
  trusted?: Map<string, Value>;
}

export interface CompileOptions {
  loader: Loader;
  node: NodeInfo;
  /** Hiera data for automatic class parameter lookup and lookup(). */
  hiera?: Hiera;
  /** Called for notice/warning/… so the caller decides where logs go. */
  log?: (level: string, message: string, where: string) => void;
  /**
   * The catalog version. By default a digest of the code that was read (manifests and
   * templates), so the same input gives the same catalog, byte for byte, and changed code a new
   * version (Puppet's default is the compile time).
   */
  version?: number | string;
}

type PendingRelation = { op: '->' | '~>' | '<-' | '<~'; left: Value; right: Value; frame: Frame; at: A.Range };
type PendingOverride = { target: Value; ops: A.AttributeOp[]; frame: Frame; at: A.Range; collector: boolean };
/** A collector (`File <| … |>`): its query, where it was written, and what it found so far. */
class Collector implements CollectorValue {
  readonly isCollector = true as const;
  readonly e: A.CollectExpression;
  readonly frame: Frame;
  readonly found = new Set<ResourceState>();
  constructor(e: A.CollectExpression, frame: Frame) {
    this.e = e;
    this.frame = frame;
  }
}

export class Compilation {
  readonly loader: Loader;
  readonly node: NodeInfo;
  readonly evaluator: Evaluator;
  readonly topScope: Scope;
  nodeScope: Scope | null = null;
  private readonly options: CompileOptions;

  /** Every resource in declaration order, and by `Type[title]`. */
  readonly resources: ResourceState[] = [];
  private readonly byRef = new Map<string, ResourceState>();
  private readonly aliases = new Map<string, ResourceState>();
  /** Evaluated classes by name, with their scope (for `$class::var` and inheritance). */
  private readonly classScopes = new Map<string, Scope>();
  private readonly classResources = new Map<string, ResourceState>();
  /** Class names in the order they were evaluated: the catalog's `classes`. */
  private readonly classOrder: string[] = [];
  /** Resource defaults per scope: type → parameter → value. */
  private readonly defaults = new Map<Scope, Map<string, Map<string, Value>>>();
  /** The scope that declared a class or define: defaults are looked up along this chain. */
  private readonly dynamicParent = new Map<Scope, Scope>();
  private readonly relations: PendingRelation[] = [];
  /** The catalog's own tags, gathered as Puppet does while classes and the node are evaluated. */
  private readonly catalogTags = new Set<string>();
  private readonly settingsClass: ResourceState;
  private settingsEvaluated = false;
  private readonly overrides: PendingOverride[] = [];
  private readonly collectors: Collector[] = [];
  private readonly stage: ResourceState;
  private readonly mainClass: ResourceState;
  /** Output of the EPP template being rendered (a stack: templates can render templates). */
  private readonly renderBuffers: string[][] = [];

  constructor(options: CompileOptions) {
    this.options = options;
    this.loader = options.loader;
    this.node = options.node;
    this.evaluator = new Evaluator(this);
    this.topScope = new Scope('top', null, '');
    this.classScopes.set('', this.topScope);
    this.classScopes.set('main', this.topScope);
    this.stage = this.newResource('Stage', 'main', 'stage', this.topScope, null, false);
    this.stage.tags.add('stage');
    this.stage.params.set('name', 'main');
    const settings = this.newResource('Class', 'Settings', 'class', this.topScope, this.stage);
    this.settingsClass = settings;
    settings.tags.clear();
    settings.tags.add('class').add('settings');
    this.classOrder.push('settings');
    this.mainClass = this.newResource('Class', 'main', 'class', this.topScope, this.stage);
    this.mainClass.params.set('name', 'main');
    this.mainClass.tags.clear();
    this.mainClass.tags.add('class');
    this.initTopScope();
  }

  private initTopScope(): void {
    const { facts, trusted, name } = this.node;
    for (const [k, v] of facts) if (typeof k === 'string') this.topScope.set(k, v);
    this.topScope.set('facts', facts);
    const t = trusted ?? new Map<Value, Value>([
      ['authenticated', 'local'], ['certname', name], ['domain', facts.get('domain')], ['extensions', new Map()],
      ['hostname', facts.get('hostname')],
    ]);
    this.topScope.set('trusted', t);
    this.topScope.set('environment', this.loader.env.name);
    this.topScope.set('clientcert', name);
    this.topScope.set('server_facts', new Map<Value, Value>([['environment', this.loader.env.name]]));
  }

  // ---------------------------------------------------------------- the phases

  compile(): Catalog {
    const mainFrames: Frame[] = [];
    for (const path of this.loader.siteFiles()) {
      const file = this.loader.load(path);
      mainFrames.push({ scope: this.topScope, file, container: this.mainClass });
    }
    for (const frame of mainFrames) this.evaluator.evaluateBlock(frame.file.program.body, frame);
    this.evaluateNode();
    this.runGenerators();
    this.finish();
    return buildCatalog(this.node.name, this.loader.env.name, this.resources, this.classOrder, this.catalogTags, this.options.version ?? this.loader.codeDigest());
  }

  private evaluateNode(): void {
    if (this.loader.nodes.length === 0) return;
    const match = this.matchNode();
    if (!match) {
      throw new CompileError('KSP-NODE-001', `Could not find node statement with name 'default' or '${this.nodeNames().join(', ')}'`);
    }
    const { def, title } = match;
    const scope = new Scope('node', this.topScope, title);
    // A regex node's captures are $0, $1, … in its body.
    if (match.match) scope.setMatch([...match.match].map((x) => x ?? undefined));
    this.nodeScope = scope;
    const res = this.newResource('Node', title, 'node', scope, this.mainClass);
    res.tags.clear();
    addTag(res.tags, 'node');
    addTag(res.tags, title);
    res.tags.add('class');
    this.classOrder.push(title);
    this.catalogTags.add('node');
    addTag(this.catalogTags, title);
    const frame: Frame = { scope, file: def.file, container: res };
    this.evaluator.evaluateBlock(def.node.body, frame);
  }

  /**
   * The names Puppet 7 tries for a node: the certname only (strict_hostname_checking is on by
   * default, so `node 'web01'` does not match web01.example.com).
   */
  private nodeNames(): string[] {
    return [this.node.name];
  }

  private matchNode(): { def: NodeDef; title: string; match?: RegExpExecArray } | null {
    const names = this.nodeNames();
    // exact names first (longest first), then regexes, then default
    for (const name of names) {
      for (const def of this.loader.nodes) {
        for (const h of def.node.hostMatches) {
          if (h.kind === 'LiteralString' && h.value.toLowerCase() === name.toLowerCase()) return { def, title: h.value.toLowerCase() };
        }
      }
    }
    for (const def of this.loader.nodes) {
      for (const h of def.node.hostMatches) {
        const m = h.kind === 'LiteralRegex' ? new PRegexp(h.pattern).regexp.exec(this.node.name) : null;
        if (h.kind === 'LiteralRegex' && m) {
          return { def, title: `__node_regexp__${h.pattern.replace(/[^-\w.]/g, '').replace(/^\.+/, '')}`, match: m };
        }
      }
    }
    for (const def of this.loader.nodes) {
      if (def.node.hostMatches.some((h) => h.kind === 'LiteralDefault')) return { def, title: 'default' };
    }
    return null;
  }

  /** Evaluates declared defined types and runs collectors until nothing new appears. */
  private runGenerators(): void {
    for (let round = 0; round < 1000; round++) {
      let changed = false;
      for (let i = 0; i < this.resources.length; i++) {
        const r = this.resources[i];
        if (r.kind === 'define' && !r.evaluated && !r.virtual) {
          this.evaluateDefine(r);
          changed = true;
        }
      }
      for (const c of this.collectors) if (this.runCollector(c)) changed = true;
      if (!changed) return;
    }
    throw new CompileError('KSP-EVAL-001', 'Evaluation did not settle: defined types keep declaring more (infinite recursion?)');
  }

  private finish(): void {
    for (const o of this.overrides.splice(0)) this.applyOverride(o, true);
    for (const c of this.collectors) this.runCollector(c);
    for (const rel of this.relations) this.applyRelation(rel);
    for (const r of this.resources) if (!r.virtual) this.checkReferences(r);
    this.inheritScopeTags();
    this.dropNamevarsEqualToTitle();
    this.placeClassesInStages();
    this.inheritMetaparameters();
  }

  /** Puppet leaves out a type's namevar when it only repeats the title (`path => $title`). */
  private dropNamevarsEqualToTitle(): void {
    for (const r of this.resources) {
      if (r.kind !== 'builtin' && r.kind !== 'custom') continue;
      const t = r.type.toLowerCase();
      const namevar = r.kind === 'builtin' ? BUILTIN_NAMEVARS[t] ?? 'name' : this.loader.customTypeNamevar(t);
      if (r.params.get(namevar) === r.title) r.params.delete(namevar);
    }
  }

  /** A class with `stage => x` is contained by Stage[x] instead of Stage[main]. */
  private placeClassesInStages(): void {
    for (const r of this.resources) {
      if (r.type === 'Stage' && r.container === this.mainClass) r.container = null;
      if (r.type !== 'Class' || r === this.mainClass || r.title === 'Settings') continue;
      const stage = r.params.get('stage');
      if (typeof stage !== 'string' || stage === 'main') continue;
      const s = this.byRef.get(refKey('Stage', stage));
      if (!s) throw new CompileError('KSP-CLASS-004', `Could not find stage ${stage} specified by Class[${r.title}]`);
      r.container = s;
    }
  }

  /**
   * Puppet's last step: from Class[main] down the containment edges, non-relationship
   * metaparameters (noop, tag, schedule, loglevel, audit) a container sets flow to what it
   * contains unless set there, and tags flow down. Classes hang off Stage[main], so this reaches
   * the top level, nodes and what they declare, not the contents of classes.
   */
  private inheritMetaparameters(): void {
    const children = new Map<ResourceState, ResourceState[]>();
    for (const r of this.resources) {
      if (r.virtual) continue;
      for (const c of [r.container, ...r.alsoContainedBy]) {
        if (!c) continue;
        const list = children.get(c) ?? [];
        list.push(r);
        children.set(c, list);
      }
    }
    const names = ['audit', 'loglevel', 'noop', 'schedule', 'tag'];
    const data = new Map<ResourceState, Map<string, Value>>();
    const own = (r: ResourceState) => new Map(names.filter((n) => r.params.get(n) !== undefined).map((n) => [n, r.params.get(n)] as [string, Value]));
    const queue: ResourceState[] = [this.mainClass];
    const seen = new Set<ResourceState>(queue);
    while (queue.length) {
      const source = queue.shift()!;
      const sourceData = data.get(source) ?? own(source);
      for (const target of children.get(source) ?? []) {
        for (const [k, v] of sourceData) if (target.params.get(k) === undefined) target.params.set(k, v);
        data.set(target, new Map([...sourceData, ...own(target)]));
        for (const t of source.tags) target.tags.add(t);
        if (!seen.has(target)) {
          seen.add(target);
          queue.push(target);
        }
      }
    }
  }

  // ---------------------------------------------------------------- variables

  lookupVariable(name: string, frame: Frame): { found: boolean; value: Value } {
    if (name.includes('::')) {
      const n = name.replace(/^::/, '');
      const i = n.lastIndexOf('::');
      if (i < 0) return this.topScope.lookup(n);
      const cls = n.slice(0, i).toLowerCase();
      const v = n.slice(i + 2);
      const scope = this.classScopes.get(cls);
      if (!scope) {
        this.warn(`Could not look up qualified variable '$${name}': class ${cls} has not been evaluated`, frame);
        return { found: false, value: undefined };
      }
      return scope.hasLocal(v) ? { found: true, value: scope.getLocal(v) } : scope.lookup(v);
    }
    return frame.scope.lookup(name);
  }

  setVariable(name: string, value: Value, frame: Frame, at: A.Range): void {
    const scope = frame.scope;
    if (name === 'facts' || name === 'trusted' || name === 'server_facts') {
      throw this.error('KSP-EVAL-003', `Attempt to assign to a reserved variable name: '$${name}'`, frame, at);
    }
    if (name.includes('::')) throw this.error('KSP-EVAL-003', `Cannot assign to a fully qualified variable '$${name}'`, frame, at);
    if (/^\d+$/.test(name)) throw this.error('KSP-EVAL-003', `Cannot assign to a numeric match result variable '$${name}'`, frame, at);
    if (scope.hasLocal(name)) {
      const where = scope.setWhere(name);
      throw this.error('KSP-EVAL-003', `Cannot reassign variable '$${name}'${where ? ` (it was set at ${where})` : ''}`, frame, at);
    }
    if (scope === this.topScope && this.node.facts.has(name)) {
      throw this.error('KSP-EVAL-003', `Cannot reassign variable '$${name}': it is a fact`, frame, at);
    }
    const p = locate(frame.file, at.start);
    scope.set(name, value, `${p.file}:${p.line}`);
  }

  // ---------------------------------------------------------------- functions

  callFunction(name: string, args: Value[], lambda: Lambda | null, frame: Frame, at: A.Range): Value {
    const n = normalizeName(name);
    const ctx: CallContext = {
      compilation: this, evaluator: this.evaluator, frame, at, name: n,
      error: (code: CompileErrorCode, message: string) => this.error(code, message, frame, at),
    };
    const builtin = BUILTIN_FUNCTIONS.get(n);
    if (builtin) return builtin(ctx, args, lambda);
    const def = this.loader.findFunction(n);
    if (def) return this.callPuppetFunction(def.node, def.file, args, frame, at);
    throw this.error('KSP-EVAL-006', `Unknown function: '${name}'`, frame, at);
  }

  private callPuppetFunction(f: A.FunctionDefinition, file: SourceFile, args: Value[], frame: Frame, at: A.Range): Value {
    const scope = new Scope('function', this.topScope, f.name);
    const inner: Frame = { scope, file, container: frame.container };
    // Argument errors point at the call; type errors name the function.
    try {
      this.evaluator.bindParameters(f.parameters, args, inner, `function '${f.name}'`, f);
    } catch (e) {
      if (e instanceof CompileError && e.code === 'KSP-EVAL-007') throw this.error('KSP-EVAL-007', e.message, frame, at);
      throw e;
    }
    let v: Value;
    try {
      v = this.evaluator.evaluateBlock(f.body, inner);
    } catch (s) {
      if (s instanceof ReturnSignal) v = s.value;
      else throw s;
    }
    if (f.returnType) {
      const t = this.evaluator.evaluate(f.returnType, inner);
      if (isType(t) && !t.isInstance(v)) {
        throw this.error('KSP-EVAL-005', `function '${f.name}' returned a value that ${describeMismatch(t, v)}`, frame, at);
      }
    }
    return v;
  }

  // ---------------------------------------------------------------- types

  private readonly aliasTypes = new Map<string, PType>();

  resolveTypeReference(name: string): Value {
    const n = normalizeName(name);
    const cached = this.aliasTypes.get(n);
    if (cached) return cached;
    const alias = this.loader.findTypeAlias(n);
    if (alias) {
      const t = new TypeAliasType(capitalizeType(n), () => {
        const aliasFrame: Frame = { scope: this.topScope, file: alias.file, container: this.mainClass };
        const v = this.evaluator.evaluate(alias.node.typeExpr, aliasFrame);
        if (!isType(v)) throw this.error('KSP-EVAL-005', `The type alias ${name} does not resolve to a type`, aliasFrame, alias.node);
        return v;
      });
      this.aliasTypes.set(n, t);
      return t;
    }
    // Any other capitalised name is a resource type: File, Apt::Source.
    return resourceType(n);
  }

  // ---------------------------------------------------------------- resources

  private newResource(type: string, title: string, kind: ResourceKind, scope: Scope, container: ResourceState | null, autoTags = true): ResourceState {
    const r = new ResourceState(type, title, kind, scope, container);
    if (autoTags) r.addAutomaticTags();
    this.resources.push(r);
    this.byRef.set(r.ref, r);
    return r;
  }

  findResource(type: string, title: string): ResourceState | undefined {
    const key = refKey(capitalizeType(type), title);
    return this.byRef.get(key) ?? this.aliases.get(key);
  }

  resourceKind(typeName: string): ResourceKind | null {
    const n = normalizeName(typeName);
    if (BUILTIN_RESOURCE_TYPES.has(n)) return 'builtin';
    if (this.loader.findDefine(n)) return 'define';
    // Resource types written in Ruby in a module (lib/puppet/type/NAME.rb): known, not run.
    if (this.loader.customTypeExists(n)) return 'custom';
    return null;
  }

  /** `type { title: … }`: declares resources and returns references to them. */
  declareResources(e: A.ResourceExpression, frame: Frame): Value {
    const typeValue = this.evaluator.evaluate(e.typeName, frame);
    let typeName: string;
    if (typeof typeValue === 'string') typeName = typeValue;
    else if (typeValue instanceof ResourceType && typeValue.typeName) typeName = typeValue.typeName;
    else throw this.error('KSP-RES-002', `${describe(typeValue)} is not a resource type`, frame, e.typeName);
    typeName = normalizeName(typeName);
    const refs: Value[] = [];
    // `default:` bodies give defaults to the other bodies of the same expression.
    const defaultBody = e.bodies.find((b) => b.title.kind === 'LiteralDefault');
    for (const body of e.bodies) {
      if (body === defaultBody) continue;
      const titleValue = this.evaluator.evaluate(body.title, frame);
      const titles = Array.isArray(titleValue) ? titleValue : [titleValue];
      for (const t of titles) {
        if (typeof t !== 'string') {
          throw this.error('KSP-RES-003', `A resource title must be a String, not ${describe(t)}`, frame, body.title);
        }
        if (typeName === 'class') {
          const params = this.evaluateOperations(body.operations, frame, defaultBody?.operations);
          this.declareClass(t, params, frame, body, e.form);
          refs.push(classType(normalizeName(t)));
          continue;
        }
        const r = this.declareOne(typeName, t, e.form, frame, body, defaultBody?.operations, e.start);
        refs.push(resourceType(typeName, r.title));
      }
    }
    return refs.length === 1 ? refs[0] : refs;
  }

  private evaluateOperations(ops: A.AttributeOp[], frame: Frame, defaults?: A.AttributeOp[]): Map<string, Value> {
    const out = new Map<string, Value>();
    const apply = (list: A.AttributeOp[]) => {
      for (const op of list) {
        if (op.kind === 'AttributesOperation') {
          const h = this.evaluator.evaluate(op.value, frame);
          if (h === undefined) continue;
          if (!(h instanceof Map)) throw this.error('KSP-RES-004', `'* =>' needs a Hash of attributes, got ${describe(h)}`, frame, op);
          for (const [k, v] of h) {
            if (typeof k !== 'string') throw this.error('KSP-RES-004', `An attribute name must be a String, got ${describe(k)}`, frame, op);
            out.set(k, v);
          }
        } else {
          out.set(op.name, this.evaluator.evaluate(op.value, frame));
        }
      }
    };
    if (defaults) apply(defaults);
    apply(ops);
    return out;
  }

  private declareOne(typeName: string, title: string, form: A.ResourceForm, frame: Frame, body: A.ResourceBody, defaults?: A.AttributeOp[], expressionStart = body.start): ResourceState {
    if (!this.resourceKind(typeName)) throw this.error('KSP-RES-002', `Unknown resource type: '${typeName}'`, frame, body);
    const params = this.evaluateOperations(body.operations, frame, defaults);
    return this.createResource(typeName, title, form, params, frame, body, expressionStart);
  }

  /**
   * Adds a resource to the catalog: for resource expressions, and for functions that declare
   * resources (create_resources, ensure_resource, ensure_packages).
   */
  createResource(typeName: string, title: string, form: A.ResourceForm, params: Map<string, Value>, frame: Frame, body: A.Range, expressionStart = body.start): ResourceState {
    const kind = this.resourceKind(typeName);
    if (!kind) throw this.error('KSP-RES-002', `Unknown resource type: '${typeName}'`, frame, body);
    if (kind === 'class') throw this.error('KSP-RES-002', 'Classes are declared with include or class { }', frame, body);
    const type = capitalizeType(typeName);
    const existing = this.byRef.get(refKey(type, title));
    if (existing) {
      const where = existing.file ? ` (file: ${existing.file}, line: ${existing.line})` : '';
      throw this.error('KSP-RES-001', `Duplicate declaration: ${type}[${title}] is already declared${where}; cannot redeclare`, frame, body);
    }
    // Tags from a `tag` parameter come first, then the automatic ones, then the container's.
    const r = this.newResource(type, title, kind, frame.scope, this.containerOf(frame), false);
    // Puppet gives every resource of one expression the line where the expression starts.
    const loc = locate(frame.file, expressionStart);
    r.file = loc.file;
    r.line = loc.line;
    r.declaredAt = expressionStart;
    r.virtual = form !== 'regular';
    r.exported = form === 'exported';
    for (const [k, v] of params) this.setParam(r, k, v, frame, body);
    // Resource defaults (`File { … }`) that are in effect now, in this scope and the scopes
    // that declared it: Puppet applies them when the resource is created.
    for (const [k, v] of this.defaultsFor(type.toLowerCase(), frame.scope)) if (!r.params.has(k)) this.setParam(r, k, v, frame, body);
    r.addAutomaticTags();
    r.declaredIn = this.containerOf(frame);
    if (kind === 'define') this.checkDefineParams(r, frame, body);
    return r;
  }

  private setParam(r: ResourceState, name: string, value: Value, frame: Frame, at: A.Range): void {
    if (name === 'tag') {
      const tags = Array.isArray(value) ? value : [value];
      for (const t of tags) if (typeof t === 'string') addTag(r.tags, t);
    }
    if (name === 'alias') {
      const names = Array.isArray(value) ? value : [value];
      for (const a of names) {
        if (typeof a !== 'string') continue;
        const key = refKey(r.type, a);
        const other = this.aliases.get(key) ?? this.byRef.get(key);
        if (other && other !== r) {
          throw this.error('KSP-RES-001', `Cannot alias ${r.ref} to "${a}": ${key} is already declared${other.file ? ` (file: ${other.file}, line: ${other.line})` : ''}`, frame, at);
        }
        this.aliases.set(key, r);
      }
    }
    r.params.set(name, value);
    const p = locate(frame.file, at.start);
    r.paramSetBy.set(name, `${p.file}:${p.line}`);
    r.paramSource.set(name, this.sourceOf(frame));
  }

  /** A resource's tags including those it will get from its declaring scopes. */
  private effectiveTags(r: ResourceState): Set<string> {
    const out = new Set(r.tags);
    for (let d = r.declaredIn; d; d = d.declaredIn) for (const t of d.tags) out.add(t);
    return out;
  }

  /**
   * Resources get the tags of the class, define or node that declared them, as those are at the
   * end of compilation (a `tag()` call after a resource still tags it). Parents come first in
   * creation order, so tags flow down nested declarations.
   */
  private inheritScopeTags(): void {
    for (const r of this.resources) {
      if (r.declaredIn) for (const t of r.declaredIn.tags) r.tags.add(t);
    }
  }

  private containerOf(frame: Frame): ResourceState {
    // Frames usually carry the container's state itself; a plain reference is looked up.
    if (frame.container instanceof ResourceState) return frame.container;
    return this.byRef.get(refKey(frame.container.type, frame.container.title)) ?? this.mainClass;
  }

  private checkDefineParams(r: ResourceState, frame: Frame, at: A.Range): void {
    const def = this.loader.findDefine(r.type.toLowerCase())!;
    const allowed = new Set(def.node.parameters.map((p) => p.name));
    for (const k of r.params.keys()) {
      if (!allowed.has(k) && !METAPARAMETERS.has(k) && k !== 'name') {
        throw this.error('KSP-RES-004', `${r.ref}: has no parameter named '${k}'`, frame, at);
      }
    }
  }

  resourceDefaults(e: A.ResourceDefaultsExpression, frame: Frame): Value {
    const t = this.evaluator.evaluate(e.typeRef, frame);
    const typeName = t instanceof ResourceType ? t.typeName : undefined;
    if (!typeName) throw this.error('KSP-RES-002', `Resource defaults need a resource type, not ${describe(t)}`, frame, e.typeRef);
    let perScope = this.defaults.get(frame.scope);
    if (!perScope) this.defaults.set(frame.scope, (perScope = new Map()));
    const key = normalizeName(typeName);
    const params = perScope.get(key) ?? new Map<string, Value>();
    for (const [k, v] of this.evaluateOperations(e.operations, frame)) params.set(k, v);
    perScope.set(key, params);
    return undefined;
  }

  /** The defaults for a type seen from a scope, nearest scope first (dynamic scoping). */
  private defaultsFor(type: string, scope: Scope): Map<string, Value> {
    const out = new Map<string, Value>();
    for (let s: Scope | null = scope; s; s = this.dynamicParent.get(s) ?? s.parent) {
      const d = this.defaults.get(s)?.get(type);
      if (d) for (const [k, v] of d) if (!out.has(k)) out.set(k, v);
    }
    return out;
  }

  resourceOverride(e: A.ResourceOverrideExpression, frame: Frame): Value {
    if (e.resources.kind === 'CollectExpression') {
      this.collect(e.resources, frame, e.operations);
      return undefined;
    }
    const target = this.evaluator.evaluate(e.resources, frame);
    this.overrides.push({ target, ops: e.operations, frame, at: e, collector: false });
    this.applyOverride(this.overrides[this.overrides.length - 1], false);
    return undefined;
  }

  /** Applies an override now if its resources exist; otherwise keeps it for the end. */
  private applyOverride(o: PendingOverride, final: boolean): void {
    const targets = this.referencedResources(o.target, o.frame, o.at, final);
    if (targets === null) return;
    const i = this.overrides.indexOf(o);
    if (i >= 0) this.overrides.splice(i, 1);
    for (const r of targets) {
      for (const op of o.ops) {
        if (op.kind === 'AttributesOperation') {
          const h = this.evaluator.evaluate(op.value, o.frame);
          if (h instanceof Map) for (const [k, v] of h) if (typeof k === 'string') this.setParam(r, k, v, o.frame, op);
          continue;
        }
        const v = this.evaluator.evaluate(op.value, o.frame);
        if (op.operator === '+>') {
          const old = r.params.get(op.name);
          const list = old === undefined ? [] : Array.isArray(old) ? old : [old];
          this.setParam(r, op.name, [...list, ...(Array.isArray(v) ? v : [v])], o.frame, op);
        } else {
          if (!o.collector) this.checkOverrideSource(r, op.name, o.frame, op);
          this.setParam(r, op.name, v, o.frame, op);
        }
      }
    }
  }

  /** The class or defined type whose code is running: Puppet's "source" of what it sets. */
  private sourceOf(frame: Frame): string {
    const c = this.containerOf(frame);
    if (c.type === 'Class') return c.title.toLowerCase();
    if (c.type === 'Node') return '';
    return c.type.toLowerCase();
  }

  /** Whether class `child` is `parent` or inherits from it. */
  private isSubclassOf(child: string, parent: string): boolean {
    for (let n: string | null = child, guard = 0; n && guard < 100; guard++) {
      if (n === parent) return true;
      const def = this.loader.findClass(n);
      n = def?.node.parent ? normalizeName(def.node.parent) : null;
    }
    return false;
  }

  /** Overriding a parameter already set elsewhere is only allowed from a subclass. */
  private checkOverrideSource(r: ResourceState, param: string, frame: Frame, at: A.Range): void {
    if (r.params.get(param) === undefined) return;
    const setBy = r.paramSource.get(param);
    const here = this.sourceOf(frame);
    if (setBy === undefined || setBy === here || this.isSubclassOf(here, setBy)) return;
    const where = r.paramSetBy.get(param);
    throw this.error('KSP-RES-004', `Only subclasses can override parameters: ${r.ref} parameter '${param}' was set${where ? ` at ${where}` : ''} by ${setBy ? `class ${setBy}` : 'the main manifest'}`, frame, at);
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
        throw this.error('KSP-RES-003', `${describe(x)} is not a resource reference`, frame, at);
      }
      const r = this.byRef.get(ref) ?? this.aliases.get(ref);
      if (!r) {
        if (final) throw this.error('KSP-RES-003', `Could not find resource '${ref}' for overriding`, frame, at);
        return false;
      }
      out.push(r);
      return true;
    };
    return visit(v) ? out : null;
  }

  collect(e: A.CollectExpression, frame: Frame, overrideOps?: A.AttributeOp[]): Value {
    const c = new Collector(overrideOps ? { ...e, operations: [...e.operations, ...overrideOps] } : e, frame);
    this.collectors.push(c);
    this.runCollector(c);
    // The value only matters as a relationship operand (`Package <| |> -> File <| |>`), where it
    // stands for every resource the collector finds by the end, so the collector itself is passed.
    return c;
  }

  /** Realizes the virtual (or exported) resources a collector's query selects. */
  private runCollector(c: Collector): boolean {
    const t = this.evaluator.evaluate(c.e.typeRef, c.frame);
    const typeName = t instanceof ResourceType ? t.typeName : undefined;
    if (!typeName) throw this.error('KSP-RES-002', `A collector needs a resource type, not ${describe(t)}`, c.frame, c.e.typeRef);
    const type = capitalizeType(typeName);
    let changed = false;
    for (const r of this.resources) {
      if (r.type !== type || c.found.has(r)) continue;
      if (c.e.query.kind === 'ExportedQuery' && !r.exported) continue;
      if (c.e.query.expr && !this.queryMatches(c.e.query.expr, r, c.frame)) continue;
      c.found.add(r);
      if (r.virtual) {
        r.virtual = false;
        changed = true;
      }
      if (c.e.operations.length) {
        this.applyOverride({ target: resourceType(typeName, r.title), ops: c.e.operations, frame: c.frame, at: c.e, collector: true }, true);
      }
    }
    return changed;
  }

  private queryMatches(q: A.Expression, r: ResourceState, frame: Frame): boolean {
    switch (q.kind) {
      case 'ParenthesizedExpression': return this.queryMatches(q.expr, r, frame);
      case 'BinaryExpression': {
        if (q.operator === 'and') return this.queryMatches(q.left, r, frame) && this.queryMatches(q.right, r, frame);
        if (q.operator === 'or') return this.queryMatches(q.left, r, frame) || this.queryMatches(q.right, r, frame);
        if (q.operator !== '==' && q.operator !== '!=') throw this.error('KSP-EVAL-004', `A collector query can only use ==, !=, and, or`, frame, q);
        if (q.left.kind !== 'QualifiedName') throw this.error('KSP-EVAL-004', 'A collector query compares an attribute name with a value', frame, q.left);
        const attr = q.left.value;
        const want = this.evaluator.evaluate(q.right, frame);
        const have: Value = attr === 'title' ? r.title : attr === 'tag' ? [...this.effectiveTags(r)] : r.params.get(attr);
        const eq = attr === 'tag'
          ? (have as Value[]).some((x) => typeof want === 'string' && x === want.toLowerCase())
          : Array.isArray(have) ? have.some((x) => puppetEquals(x, want)) : puppetEquals(have, want);
        return q.operator === '==' ? eq : !eq;
      }
      default:
        throw this.error('KSP-EVAL-004', 'A collector query compares attributes with == or !=, joined by and/or', frame, q);
    }
  }

  /** Realizes virtual resources by reference (the realize function). */
  realize(refs: Value[], frame: Frame, at: A.Range): void {
    for (const x of refs.flat(Infinity as 1)) {
      const ref = referenceString(x);
      if (!ref) throw this.error('KSP-RES-003', `realize() needs resource references, got ${describe(x)}`, frame, at);
      const r = this.byRef.get(ref);
      if (!r) throw this.error('KSP-RES-003', `Failed to realize virtual resources ${ref}`, frame, at);
      r.virtual = false;
    }
  }

  // ---------------------------------------------------------------- relationships

  relationship(e: A.RelationshipExpression, frame: Frame): Value {
    const left = this.evaluator.evaluate(e.left, frame);
    const right = this.evaluator.evaluate(e.right, frame);
    this.relations.push({ op: e.operator, left, right, frame, at: e });
    return right;
  }

  private relationTargets(v: Value, rel: PendingRelation): ResourceState[] {
    if (v instanceof Collector) return [...v.found];
    const list = Array.isArray(v) ? v.flat(Infinity as 1) : [v];
    const out: ResourceState[] = [];
    for (const x of list) {
      if (x instanceof Collector) {
        out.push(...x.found);
        continue;
      }
      const ref = referenceString(x);
      if (!ref) throw this.error('KSP-RES-003', `A relationship needs resource references, got ${describe(x)}`, rel.frame, rel.at);
      const r = this.byRef.get(ref) ?? this.aliases.get(ref);
      if (!r) throw this.error('KSP-RES-003', `Could not find resource '${ref}' for relationship`, rel.frame, rel.at);
      out.push(r);
    }
    return out;
  }

  /** `a -> b` adds b to a's `before`; `~>` to `notify`; the arrows pointing left swap sides. */
  private applyRelation(rel: PendingRelation): void {
    const l = this.relationTargets(rel.left, rel);
    const r = this.relationTargets(rel.right, rel);
    const [sources, targets] = rel.op === '->' || rel.op === '~>' ? [l, r] : [r, l];
    const param = rel.op === '->' || rel.op === '<-' ? 'before' : 'notify';
    for (const s of sources) {
      if (s.virtual) continue;
      for (const t of targets) {
        if (t.virtual) continue;
        const old = s.params.get(param);
        const list = old === undefined ? [] : Array.isArray(old) ? old : [old];
        s.params.set(param, [...list, t.kind === 'class' ? classType(t.title.toLowerCase()) : resourceType(t.type.toLowerCase(), t.title)]);
      }
    }
  }

  /** Relationship metaparameters must name resources in the catalog. */
  private checkReferences(r: ResourceState): void {
    for (const p of RELATIONSHIP_PARAMETERS) {
      const v = r.params.get(p);
      if (v === undefined) continue;
      for (const x of (Array.isArray(v) ? v : [v]).flat(Infinity as 1)) {
        const ref = referenceString(x);
        if (!ref) continue;
        const target = this.byRef.get(ref) ?? this.aliases.get(ref);
        if (!target || target.virtual) {
          throw new CompileError('KSP-RES-003', `Could not find resource '${ref}' in parameter '${p}' of ${r.ref}`,
            r.file ? { file: r.file, line: r.line ?? 0, column: 0 } : null);
        }
      }
    }
  }

  // ---------------------------------------------------------------- classes

  /** include/require/contain and `class { 'x': }`. Returns the class resource. */
  declareClass(name: string, params: Map<string, Value> | null, frame: Frame, at: A.Range, form: A.ResourceForm = 'regular'): ResourceState {
    return this.declareClasses([name], params, frame, at, form)[0];
  }

  /**
   * Declares classes the way Puppet's include does: every class resource is added to the catalog
   * first (from the including scope, whose tags it takes), then each is evaluated in turn. So in
   * `include a, b` where a includes b, Class[B] is created by the include, not by a.
   */
  declareClasses(names: string[], params: Map<string, Value> | null, frame: Frame, at: A.Range, form: A.ResourceForm = 'regular'): ResourceState[] {
    const pending: { def: ClassDefinition; res: ResourceState }[] = [];
    const out: ResourceState[] = [];
    for (const name of names) {
      const n = normalizeName(name);
      if (form !== 'regular') throw this.error('KSP-CLASS-001', `Classes cannot be virtual or exported: Class[${capitalizeType(n)}]`, frame, at);
      // A class named `settings` in the code is evaluated into Puppet's own Class[Settings].
      if (n === 'settings' && !this.settingsEvaluated) {
        const def = this.loader.findClass(n);
        this.settingsEvaluated = true;
        if (def) pending.push({ def, res: this.settingsClass });
        out.push(this.settingsClass);
        continue;
      }
      const existing = this.classResources.get(n);
      if (existing) {
        if (params) {
          throw this.error('KSP-CLASS-002', `Duplicate declaration: Class[${capitalizeType(n)}] is already declared${existing.file ? ` (file: ${existing.file}, line: ${existing.line})` : ''}; cannot redeclare`, frame, at);
        }
        out.push(existing);
        continue;
      }
      const def = this.loader.findClass(n);
      if (!def) throw this.error('KSP-CLASS-001', `Could not find class ::${n} for ${this.node.name}`, frame, at);
      const res = this.createClassResource(def, params, frame, at);
      pending.push({ def, res });
      out.push(res);
    }
    for (const { def, res } of pending) this.evaluateClass(def, res, params, frame, at);
    return out;
  }

  private createClassResource(def: ClassDefinition, params: Map<string, Value> | null, frame: Frame, at: A.Range): ResourceState {
    const n = def.name;
    const title = capitalizeType(n);
    const res = this.newResource('Class', title, 'class', this.topScope, this.stage);
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
    this.classResources.set(n, res);
    this.classOrder.push(n);
    return res;
  }

  private evaluateClass(def: ClassDefinition, res: ResourceState, params: Map<string, Value> | null, frame: Frame, at: A.Range): void {
    const n = def.name;
    let parentScope: Scope = this.nodeScope ?? this.topScope;
    if (def.node.parent) {
      const parentName = normalizeName(def.node.parent);
      if (parentName === n) throw this.error('KSP-CLASS-001', `Class '${n}' cannot inherit from itself`, frame, at);
      if (!this.classResources.has(parentName) && !this.loader.findClass(parentName)) {
        const defFrame: Frame = { scope: this.topScope, file: def.file, container: this.mainClass };
        throw this.error('KSP-CLASS-001', `Could not find parent class '${parentName}' of class '${n}'`, defFrame, def.node);
      }
      const parent = this.classResources.get(parentName) ?? this.declareClass(parentName, null, frame, at);
      parentScope = this.classScopes.get(normalizeName(parent.title)) ?? parentScope;
    }
    const scope = new Scope('class', parentScope, n);
    this.dynamicParent.set(scope, frame.scope);
    this.classScopes.set(n, scope);
    const classFrame: Frame = { scope, file: def.file, container: res };
    scope.set('title', n);
    scope.set('name', n);
    scope.set('module_name', def.file.module ?? '');
    this.bindDefinitionParameters(def.node.parameters, params ?? new Map(), res, classFrame, frame, at, `Class[${res.title}]`, n);
    // The catalog takes the class's own tags (name, `tag` metaparameter) as it is evaluated;
    // the tags of the scope that declared it are added to the resource only.
    for (const t of res.tags) this.catalogTags.add(t);
    res.declaredIn = this.containerOf(frame);
    try {
      this.evaluator.evaluateBlock(def.node.body, classFrame);
    } catch (s) {
      if (!(s instanceof ReturnSignal)) throw s;
    }
  }

  /**
   * Binds a class's or define's parameters: given values, then (for classes) Hiera's
   * `<class>::<param>`, then the default; checks types; records them on the resource.
   */
  private bindDefinitionParameters(
    params: A.Parameter[], given: Map<string, Value>, res: ResourceState, inner: Frame, outer: Frame, at: A.Range,
    what: string, lookupPrefix: string | null,
  ): void {
    const known = new Set(params.map((p) => p.name));
    for (const [k, v] of given) {
      if (METAPARAMETERS.has(k)) {
        this.setParam(res, k, v, outer, at);
        continue;
      }
      if (!known.has(k)) throw this.error('KSP-CLASS-003', `${what}: has no parameter named '${k}'`, outer, at);
    }
    for (const p of params) {
      let v: Value;
      let have = false;
      if (given.has(p.name)) {
        v = given.get(p.name);
        have = true;
        if (v === undefined && p.value) have = false;
      }
      if (!have && lookupPrefix && this.options.hiera) {
        const r = this.hieraLookup(`${lookupPrefix}::${p.name}`, inner, at);
        if (r.found) {
          v = r.value;
          have = true;
        }
      }
      if (!have) {
        if (p.value) v = this.evaluator.evaluate(p.value, inner);
        else if (p.typeExpr && this.acceptsUndef(p.typeExpr, inner)) v = undefined;
        else throw this.error('KSP-CLASS-003', `${what}: expects a value for parameter '${p.name}'`, outer, at);
      }
      if (p.typeExpr) {
        const t = this.evaluator.evaluate(p.typeExpr, inner);
        if (isType(t) && !t.isInstance(v)) {
          throw this.error('KSP-CLASS-003', `${what}: parameter '${p.name}' ${describeMismatch(t, v)}`, outer, at);
        }
      }
      inner.scope.set(p.name, v);
      if (v !== undefined) res.params.set(p.name, v);
    }
  }

  private acceptsUndef(typeExpr: A.Expression, frame: Frame): boolean {
    const t = this.evaluator.evaluate(typeExpr, frame);
    return isType(t) && t.isInstance(undefined);
  }

  /** Evaluates one declared defined-type resource: its body in a new scope. */
  private evaluateDefine(r: ResourceState): void {
    r.evaluated = true;
    const def = this.loader.findDefine(r.type.toLowerCase())!;
    const scope = new Scope('define', this.nodeScope ?? this.topScope, def.name);
    this.dynamicParent.set(scope, r.scope);
    const frame: Frame = { scope, file: def.file, container: r };
    scope.set('title', r.title);
    scope.set('name', r.params.has('name') ? r.params.get('name') : r.title);
    scope.set('module_name', def.file.module ?? '');
    const given = new Map([...r.params].filter(([k]) => k !== 'name'));
    for (const k of [...r.params.keys()]) if (!METAPARAMETERS.has(k) && k !== 'name') r.params.delete(k);
    const outer: Frame = { scope: r.scope, file: this.loader.load(r.file ?? def.file.path), container: r };
    this.bindDefinitionParameters(def.node.parameters, given, r, frame, outer, { start: r.declaredAt, end: r.declaredAt }, r.ref, null);
    try {
      this.evaluator.evaluateBlock(def.node.body, frame);
    } catch (s) {
      if (!(s instanceof ReturnSignal)) throw s;
    }
  }

  /** `contain`: the current class also contains the class (Puppet adds an edge; the stage keeps its own). */
  containClass(res: ResourceState, frame: Frame): void {
    const container = this.containerOf(frame);
    if (container === res || res.alsoContainedBy.includes(container)) return;
    res.alsoContainedBy.push(container);
  }

  /** `require`: the current class or define requires the class (a `require` metaparameter). */
  addRequire(frame: Frame, classRes: ResourceState): void {
    const c = this.containerOf(frame);
    if (c === this.mainClass || c.kind === 'node') return;
    const old = c.params.get('require');
    const list = old === undefined ? [] : Array.isArray(old) ? old : [old];
    c.params.set('require', [...list, classType(classRes.title.toLowerCase())]);
  }

  /**
   * `defined(x)`: a name is defined when a class, defined type or resource type of
   * that name exists; `'$var'` when the variable is set; a reference when the resource (or
   * class) is declared.
   */
  isDefined(v: Value, frame: Frame): boolean {
    if (typeof v === 'string') {
      if (v.startsWith('$')) return this.lookupVariable(v.slice(1), frame).found;
      const n = normalizeName(v);
      return this.classExists(n) || this.resourceKind(n) !== null;
    }
    if (v instanceof ClassType) return v.className ? this.classResources.has(normalizeName(v.className)) : true;
    if (v instanceof ResourceType && v.typeName) {
      if (v.title === undefined) return this.resourceKind(v.typeName) !== null;
      return this.findResource(v.typeName, v.title) !== undefined;
    }
    if (isType(v)) return true;
    return false;
  }

  // ---------------------------------------------------------------- hiera

  /** Looks a key up in Hiera; `%{…}` interpolations see the variables visible in `frame`. */
  hieraLookup(key: string, frame: Frame, at: A.Range, merge?: MergeOptions): { found: boolean; value: Value } {
    const hiera = this.options.hiera;
    if (!hiera) return { found: false, value: undefined };
    try {
      return hiera.lookup(key, {
        variable: (n) => this.lookupVariable(n, frame).value,
        convert: (value, typeName, args) => this.callFunction('new', [this.evaluator.resolveTypeName(typeName), value, ...args], null, frame, at),
      }, merge);
    } catch (e) {
      if (e instanceof HieraError) throw this.error('KSP-HIERA-001', e.message, frame, at);
      throw e;
    }
  }

  // ---------------------------------------------------------------- templates

  /** Renders an EPP template's text into the innermost render buffer. */
  render(text: string): Value {
    const buf = this.renderBuffers[this.renderBuffers.length - 1];
    if (buf) buf.push(text);
    return undefined;
  }

  withRenderBuffer(fn: () => void): string {
    const buf: string[] = [];
    this.renderBuffers.push(buf);
    try {
      fn();
    } finally {
      this.renderBuffers.pop();
    }
    return buf.join('');
  }

  // ---------------------------------------------------------------- logging and errors

  log(level: string, message: string, frame: Frame, at: A.Range): void {
    const p = locate(frame.file, at.start);
    this.options.log?.(level, message, `${p.file}:${p.line}:${p.column}`);
  }

  private warn(message: string, frame: Frame): void {
    this.options.log?.('warning', message, frame.file.path);
  }

  error(code: CompileErrorCode, message: string, frame: Frame, at: A.Range): CompileError {
    return new CompileError(code, message, locate(frame.file, at.start));
  }

  /** Tags of the current container (for tagged()). */
  containerTags(frame: Frame): Set<string> {
    return this.containerOf(frame).tags;
  }

  addTags(frame: Frame, tags: string[]): void {
    const c = this.containerOf(frame);
    for (const t of tags) addTag(c.tags, t);
  }

  classExists(name: string): boolean {
    return this.loader.findClass(normalizeName(name)) !== undefined;
  }
}
