// One compilation: a node's facts + an environment's code → a catalog.
//
// The phases follow Puppet's compiler:
//   1. main: the site manifest's top-level code, in Class[main] (top scope);
//   2. node: the node definition that matches the node's name, in Node[...] (node scope);
//   3. generators, until nothing changes: evaluate declared defined types, run collectors;
//   4. finish: resource overrides left pending, collectors once more, relationships; then tags,
//      namevars, stages and metaparameters as Puppet leaves them;
//   5. the catalog: resources in declaration order, containment edges.
// The work is shared out: classes.ts (classes and defines), declarations.ts (resource
// expressions), overrides.ts (defaults and overrides), collectors.ts, relationships.ts.
import { LineMap } from '@kasper/language';
import type * as A from '@kasper/language';
import { METAPARAMETERS, builtinTypeTakes, capitalizeType, namevarFromTitle, namevarOf, refKey, type Catalog } from '@kasper/catalog';
import { raise } from './messages.ts';
import { KasperError } from '@kasper/diagnostics';
import { CompileError } from './errors.ts';
import { fromData } from './facts.ts';
import { trustedData } from './trusted.ts';
import { Evaluator, type EvaluationHost } from './evaluator.ts';
import { errorAt, illegalSignal, type Frame, type Lambda } from './frame.ts';
import { locate, normalizeName, type Loader, type NodeDef, type SourceFile } from './loader.ts';
import { addTag, buildCatalog, type ResourceState } from './resources.ts';
import { ResourceTable } from './resource-table.ts';
import { Scope } from './scope.ts';
import { PRegexp, isType, type Value } from './values.ts';
import { ClassType, ObjectType, PType, ResourceType, TypeAliasType, resourceType } from './types/index.ts';
import { HieraError, type Hiera, type MergeOptions } from './hiera.ts';
import { Classes } from './classes.ts';
import { Declarations } from './declarations.ts';
import { Overrides, ResourceDefaults } from './overrides.ts';
import { Collectors, type CollectExported } from './collectors.ts';
import type { QueryPuppetDB } from './functions/puppetdb.ts';
import { Relationships } from './relationships.ts';
import { Templates } from './templates.ts';
import { FunctionCalls } from './calls.ts';
import { rubyTypeAttributes, rubyTypeTitleFields } from './ruby.ts';

export interface NodeInfo {
  /** The certname. */
  name: string;
  facts: Map<string, Value>;
  /** `$trusted`: certname, authenticated, extensions … */
  trusted?: Map<string, Value>;
  /** From a node classifier (ENC): classes to declare, with parameters (a hash: resource-like) or not (include-like). */
  classes?: Map<string, Map<string, Value> | null>;
  /** From a node classifier: top-scope variables. */
  parameters?: Map<string, Value>;
  /**
   * What the compiling side says of itself, as a master does (serverversion, servername, serverip,
   * serverip6): top-scope variables, and `$server_facts` with `environment` added. Without them
   * `$server_facts` holds the environment alone, as under `puppet apply`.
   */
  serverFacts?: Map<string, Value>;
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
  /** false: Deferred values as the Strings plain `puppet catalog compile` prints (see CatalogOptions); rich data by default. */
  richData?: boolean;
  /** Other nodes' exported resources, for `Type <<| |>>` (a master supplies it; see CollectExported). */
  collectExported?: CollectExported;
  /** PuppetDB queries for puppetdb_query, answered from the master's store (a master supplies it). */
  queryPuppetDB?: QueryPuppetDB;
}

export class Compilation implements EvaluationHost {
  readonly loader: Loader;
  readonly node: NodeInfo;
  readonly evaluator: Evaluator;
  readonly topScope: Scope;
  private readonly options: CompileOptions;
  /** Every resource in declaration order, by `Type[title]` and by alias. */
  private readonly table = new ResourceTable();
  private readonly defaults: ResourceDefaults;
  private readonly overrides: Overrides;
  private readonly collectors: Collectors;
  private readonly relationships: Relationships;
  private readonly classes: Classes;
  private readonly declarations: Declarations;
  private readonly templates: Templates;
  private readonly calls: FunctionCalls;
  /** The catalog's own tags, gathered as Puppet does while classes and the node are evaluated. */
  private readonly catalogTags = new Set<string>();
  private readonly mainClass: ResourceState;

  constructor(options: CompileOptions) {
    this.options = options;
    this.loader = options.loader;
    this.node = options.node;
    this.evaluator = new Evaluator(this);
    this.topScope = new Scope('top', null, '');
    const stage = this.table.create('Stage', 'main', 'stage', this.topScope, null, false);
    stage.tags.add('stage');
    stage.params.set('name', 'main');
    const settings = this.table.create('Class', 'Settings', 'class', this.topScope, stage);
    settings.tags.clear();
    settings.tags.add('class').add('settings');
    this.mainClass = this.table.create('Class', 'main', 'class', this.topScope, stage);
    this.mainClass.params.set('name', 'main');
    this.mainClass.tags.clear();
    this.mainClass.tags.add('class');
    const { evaluator, table, loader } = this;
    this.defaults = new ResourceDefaults(evaluator);
    this.overrides = new Overrides(evaluator, table, loader, this.defaults);
    this.collectors = new Collectors(evaluator, table, this.overrides, this.node.name, options.collectExported);
    this.relationships = new Relationships(evaluator, table);
    this.classes = new Classes({
      loader, evaluator, table, defaults: this.defaults, topScope: this.topScope, stage, mainClass: this.mainClass, settings,
      nodeName: this.node.name, catalogTags: this.catalogTags,
      lookup: options.hiera ? (key, frame, at) => this.hieraLookup(key, frame, at) : null,
    });
    this.declarations = new Declarations(evaluator, table, this.defaults, this.classes, loader);
    this.collectors.declareCollected = (typeName, title, params, frame, at) => this.declarations.create(typeName, title, 'regular', params, frame, at);
    this.templates = new Templates(evaluator, this.topScope);
    this.calls = new FunctionCalls({
      loader, evaluator, topScope: this.topScope, classes: this.classes, declarations: this.declarations,
      collectors: this.collectors, templates: this.templates,
      lookupVariable: (name, frame) => this.lookupVariable(name, frame),
      hieraLookup: (key, frame, at, merge, legacy) => this.hieraLookup(key, frame, at, merge, legacy),
      log: (level, message, frame, at) => this.log(level, message, frame, at),
      queryPuppetDB: options.queryPuppetDB,
    });
    this.initTopScope();
  }

  private initTopScope(): void {
    const { facts, trusted, name } = this.node;
    for (const [k, v] of facts) if (typeof k === 'string') this.topScope.set(k, v);
    this.topScope.set('facts', facts);
    const t = trusted ?? fromData(trustedData(name)) as Map<Value, Value>;
    this.topScope.set('trusted', t);
    this.topScope.set('environment', this.loader.env.name);
    this.topScope.set('clientcert', name);
    for (const [k, v] of this.node.parameters ?? []) this.topScope.set(k, v);
    // A master merges its server facts into the node's parameters last (top-scope variables, over facts and a classifier's), then
    // $server_facts is them and the environment.
    const serverFacts = new Map<Value, Value>();
    for (const [k, v] of this.node.serverFacts ?? []) {
      this.topScope.set(k, v);
      serverFacts.set(k, v);
    }
    serverFacts.set('environment', this.loader.env.name);
    this.topScope.set('server_facts', serverFacts);
  }

  // ---------------------------------------------------------------- the phases

  compile(): Catalog {
    try {
      return this.compilePhases();
    } catch (s) {
      // break(), next() or return() that nothing caught: an error at its call.
      throw this.redactError(illegalSignal(s));
    }
  }

  private compilePhases(): Catalog {
    const mainFrames: Frame[] = [];
    for (const path of this.loader.siteFiles()) {
      const file = this.loader.load(path);
      mainFrames.push({ scope: this.topScope, file, container: this.mainClass });
    }
    for (const frame of mainFrames) this.evaluator.evaluateBlock(frame.file.program.body, frame);
    this.evaluateNode();
    this.evaluateNodeClasses(mainFrames[0]?.file);
    this.runGenerators();
    this.finish();
    const catalog = buildCatalog(this.node.name, this.loader.env.name, this.table.all, this.classes.order, this.catalogTags, this.options.version ?? this.loader.codeDigest(), {
      richData: this.options.richData,
      warn: (message, r) => this.options.log?.('warning', this.redact(message), `${r.file ?? '?'}:${r.line ?? '?'}`),
      secrets: this.options.hiera?.decryptedSecrets(),
    });
    if (this.loader.env.codeId) catalog.codeId = this.loader.env.codeId;
    return catalog;
  }

  /**
   * A classifier's classes, declared after the node definition as Puppet does: with parameters
   * like `class { 'x': … }`, without like `include x`, in the node's scope when one matched.
   */
  private evaluateNodeClasses(file: SourceFile | undefined): void {
    if (!this.node.classes?.size) return;
    const site = file ?? { path: '(node classifier)', program: { kind: 'Program', start: 0, end: 0, body: [] } as never, lineMap: new LineMap(''), module: undefined };
    const frame: Frame = { scope: this.classes.nodeScope ?? this.topScope, file: site, container: this.mainClass };
    const at = { start: 0, end: 0 };
    for (const [name, params] of this.node.classes) this.classes.declare(name, params, frame, at);
  }

  private evaluateNode(): void {
    if (this.loader.nodes.length === 0) return;
    const match = this.matchNode();
    if (!match) {
      // Puppet names no place; the first node definition is where one would be added.
      const first = this.loader.nodes[0];
      throw raise('KSP-NODE-001', { names: this.nodeNames().join(', ') }, locate(first.file, first.node.start));
    }
    const { def, title } = match;
    const scope = new Scope('node', this.topScope, title);
    // A regex node's captures are $0, $1, … in its body.
    if (match.match) scope.setMatch([...match.match].map((x) => x ?? undefined));
    this.classes.nodeScope = scope;
    const res = this.table.create('Node', title, 'node', scope, this.mainClass);
    res.tags.clear();
    addTag(res.tags, 'node');
    addTag(res.tags, title);
    res.tags.add('class');
    this.classes.order.push(title);
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
        const m = h.kind === 'LiteralRegex' ? nodeRegexp(def, h).regexp.exec(this.node.name) : null;
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
      const resources = this.table.all;
      for (let i = 0; i < resources.length; i++) {
        const r = resources[i];
        if (r.kind === 'define' && !r.evaluated && !r.virtual) {
          this.classes.evaluateDefine(r);
          changed = true;
        }
      }
      if (this.collectors.runAll()) changed = true;
      if (!changed) return;
    }
    throw raise('KSP-EVAL-041', {});
  }

  private finish(): void {
    this.overrides.applyPending();
    this.collectors.runAll();
    this.checkAttributeNames();
    this.relationships.applyAll();
    for (let ri = 0, all = this.table.all; ri < all.length; ri++) if (!all[ri].virtual) this.relationships.checkReferences(all[ri]);
    this.inheritScopeTags();
    this.dropNamevarsEqualToTitle();
    this.placeClassesInStages();
    this.inheritMetaparameters();
  }

  /**
   * Every resource of a built-in or module type, virtual and exported ones too, may only set the
   * type's attributes and metaparameters, as Puppet checks when it finishes a resource (defined
   * types' parameters are checked when they are declared). The error is at the resource.
   */
  private checkAttributeNames(): void {
    for (let ri = 0, all = this.table.all; ri < all.length; ri++) {
      const r = all[ri];
      // Virtual and exported define instances never realized are checked here, as Puppet does.
      if (r.kind === 'define' && r.virtual && !r.evaluated) this.declarations.checkDefineParams(r);
      if (r.kind !== 'builtin' && r.kind !== 'custom') continue;
      const moduleType = r.kind === 'custom' ? rubyTypeAttributes(this.loader, r.type.toLowerCase()) : null;
      if (r.kind === 'custom' && !moduleType) continue;
      r.params.forEach((_v, name) => {
        const ok = moduleType
          ? moduleType.has(name) || METAPARAMETERS.has(name) || name === 'name'
          : builtinTypeTakes(r.type, name);
        if (ok === false) throw raise('KSP-RES-019', { name, ref: r.ref }, r.file ? { file: r.file, line: r.line ?? 0, column: 0 } : undefined);
      });
    }
  }

  /**
   * Resources get the tags of the class, define or node that declared them, as those are at the
   * end of compilation (a `tag()` call after a resource still tags it). Parents come first in
   * creation order, so tags flow down nested declarations.
   */
  private inheritScopeTags(): void {
    for (let ri = 0, all = this.table.all; ri < all.length; ri++) {
      const r = all[ri];
      if (r.declaredIn) r.declaredIn.tags.forEach((t) => r.tags.add(t));
    }
  }

  /**
   * A built-in type's namevar not given is what its title patterns make of the title (a file's
   * `/var/www/` is `path => '/var/www'`); Puppet leaves it out when it only repeats the title
   * (`path => $title`).
   */
  private dropNamevarsEqualToTitle(): void {
    for (let ri = 0, all = this.table.all; ri < all.length; ri++) {
      const r = all[ri];
      if (r.kind !== 'builtin' && r.kind !== 'custom' && r.kind !== 'define') continue;
      const t = r.type.toLowerCase();
      const namevar = r.kind === 'builtin' ? namevarOf(t) : r.kind === 'define' ? 'name' : this.loader.customTypeNamevar(t);
      // A title a function gave as an Integer is the namevar's String, never equal to the title.
      if (r.titleValue !== undefined) {
        const nv = r.kind === 'define' ? 'name' : namevar;
        if (!r.params.has(nv)) r.params.set(nv, r.title);
        continue;
      }
      if (r.kind === 'builtin' && !r.params.has(namevar)) {
        const fromTitle = namevarFromTitle(t, r.title);
        if (fromTitle !== undefined && fromTitle !== r.title) r.params.set(namevar, fromTitle);
      }
      // A module type's title patterns set the attributes the title stands for
      // (Keystone_endpoint['RegionOne/swift::object-store']: region, name, type), unless given.
      if (r.kind === 'custom') {
        for (const [k, v] of rubyTypeTitleFields(this.loader, t, r.title) ?? []) if (!r.params.has(k)) r.params.set(k, v);
      }
      if (r.params.get(namevar) === r.title) r.params.delete(namevar);
    }
  }

  /**
   * A class with `stage => x` is contained by Stage[x] instead of Stage[main]. Stages are
   * contained by nothing, wherever they are declared (Puppet adds no edge from the class or
   * define a `stage` resource appears in).
   */
  private placeClassesInStages(): void {
    for (let ri = 0, all = this.table.all; ri < all.length; ri++) {
      const r = all[ri];
      if (r.type === 'Stage') r.container = null;
      if (r.type !== 'Class' || r === this.mainClass || r.title === 'Settings') continue;
      const stage = r.params.get('stage');
      if (typeof stage !== 'string' || stage === 'main') continue;
      const s = this.table.declared(refKey('Stage', stage));
      if (!s) throw raise('KSP-CLASS-004', { stage, name: r.title }, r.file !== undefined && r.line !== undefined ? { file: r.file, line: r.line, column: 1 } : undefined);
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
    for (let ri = 0, all = this.table.all; ri < all.length; ri++) {
      const r = all[ri];
      if (r.virtual) continue;
      const add = (c: ResourceState | null) => {
        if (!c) return;
        const list = children.get(c);
        if (list) list.push(r);
        else children.set(c, [r]);
      };
      add(r.container);
      for (let i = 0; i < r.alsoContainedBy.length; i++) add(r.alsoContainedBy[i]);
    }
    const names = ['audit', 'loglevel', 'noop', 'schedule', 'tag'];
    const data = new Map<ResourceState, Map<string, Value>>();
    const own = (r: ResourceState) => {
      const m = new Map<string, Value>();
      for (const n of names) {
        const v = r.params.get(n);
        if (v !== undefined) m.set(n, v);
      }
      return m;
    };
    const queue: ResourceState[] = [this.mainClass];
    const seen = new Set<ResourceState>(queue);
    // An index, not shift(): shifting a long array moves all of it (10,000 collected resources took a quarter second).
    for (let next = 0; next < queue.length; next++) {
      const source = queue[next];
      const sourceData = data.get(source) ?? own(source);
      const targets = children.get(source) ?? [];
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i];
        sourceData.forEach((v, k) => {
          if (target.params.get(k) === undefined) target.params.set(k, v);
        });
        // What the target passes on: the source's, and its own over them (the same map when it sets none).
        const targetOwn = own(target);
        data.set(target, targetOwn.size ? new Map([...sourceData, ...targetOwn]) : sourceData);
        source.tags.forEach((t) => target.tags.add(t));
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
      const scope = this.classes.scopeOf(cls);
      if (!scope) {
        this.warn(`Could not look up qualified variable '$${name}': class ${cls} has not been evaluated`, frame);
        return { found: false, value: undefined };
      }
      // The class's own variables, then those of the classes it inherits, and no further: Puppet
      // never falls back to node or top scope for `$cls::v` (that would be a silently wrong value).
      for (let s: Scope | null = scope; s && s.kind === 'class'; s = s.parent) {
        if (s.hasLocal(v)) return { found: true, value: s.getLocal(v) };
      }
      return { found: false, value: undefined };
    }
    return frame.scope.lookup(name);
  }

  setVariable(name: string, value: Value, frame: Frame, at: A.Range): void {
    const scope = frame.scope;
    if (name === 'facts' || name === 'trusted' || name === 'server_facts') {
      throw errorAt('KSP-EVAL-042', { name }, frame, at);
    }
    if (name.includes('::')) throw errorAt('KSP-EVAL-043', { name }, frame, at);
    if (/^\d+$/.test(name)) throw errorAt('KSP-EVAL-044', { name }, frame, at);
    if (scope.hasLocal(name)) {
      const where = scope.setWhere(name);
      throw errorAt('KSP-EVAL-003', { name, where: where ? ` (it was set at ${where})` : '' }, frame, at);
    }
    if (scope === this.topScope && this.node.facts.has(name)) {
      throw errorAt('KSP-EVAL-045', { name }, frame, at);
    }
    const p = locate(frame.file, at.start);
    scope.set(name, value, `${p.file}:${p.line}`);
  }

  // ---------------------------------------------------------------- functions

  callFunction(name: string, args: Value[], lambda: Lambda | null, frame: Frame, at: A.Range): Value {
    return this.calls.call(name, args, lambda, frame, at);
  }

  /**
   * Calls a function at top scope without compiling anything: what an agent does for a Deferred
   * value (Puppet's DeferredResolver calls functions in a script compiler's top scope).
   */
  callAtTop(name: string, args: Value[]): Value {
    const file: SourceFile = { path: '(deferred)', program: { kind: 'Program', start: 0, end: 0, body: [] } as never, lineMap: new LineMap(''), module: undefined };
    return this.calls.call(name, args, null, { scope: this.topScope, file, container: this.mainClass }, { start: 0, end: 0 });
  }

  // ---------------------------------------------------------------- types

  private readonly aliasTypes = new Map<string, PType>();

  resolveTypeReference(name: string): Value {
    const n = normalizeName(name);
    const cached = this.aliasTypes.get(n);
    if (cached) return cached;
    const alias = this.loader.findTypeAlias(n);
    if (alias) {
      // Named as written (`MyInt`), as Puppet prints it.
      const t = new TypeAliasType(alias.node.name.replace(/^::/, ''), () => {
        const aliasFrame: Frame = { scope: this.topScope, file: alias.file, container: this.mainClass };
        const v = this.evaluator.evaluate(alias.node.typeExpr, aliasFrame);
        if (!isType(v)) throw errorAt('KSP-EVAL-046', { name }, aliasFrame, alias.node);
        // `type A = A`, `type A = B` with `type B = A`: names all the way down, never a type.
        for (let x: PType = v; x instanceof TypeAliasType; x = x.resolved) {
          if (x === t || x.isResolving) throw errorAt('KSP-EVAL-049', { name: capitalizeType(n) }, aliasFrame, alias.node.typeExpr);
        }
        // `type Person = Object[{…}]` is the Object type named Person, not an alias of it.
        if (v instanceof ObjectType && v.objectName === undefined && !v.isBare) return v.named(alias.node.name.replace(/^::/, ''));
        return v;
      });
      this.aliasTypes.set(n, t);
      // Resolved now, as Puppet resolves an alias where it is named: `type A = A` fails here.
      const resolved = t.resolved;
      if (resolved instanceof ObjectType && resolved.objectName === alias.node.name.replace(/^::/, '')) {
        this.aliasTypes.set(n, resolved);
        return resolved;
      }
      return t;
    }
    // Any other capitalised name is a resource type: File, Apt::Source. As in Puppet, naming
    // one that does not exist fails where it is named (classes are not resource types).
    if (n !== 'node' && n !== 'component' && !this.declarations.kindOf(n)) throw raise('KSP-EVAL-053', { name: capitalizeType(n) });
    return resourceType(n);
  }

  // ---------------------------------------------------------------- catalog expressions

  declareResources(e: A.ResourceExpression, frame: Frame): Value {
    return this.declarations.declare(e, frame);
  }

  resourceDefaults(e: A.ResourceDefaultsExpression, frame: Frame): Value {
    return this.defaults.add(e, frame);
  }

  resourceAttribute(ref: ResourceType | ClassType, name: string, frame: Frame, at: A.Range): Value {
    const r = ref instanceof ClassType
      ? this.table.find(refKey('Class', capitalizeType(ref.className!)))
      : this.declarations.find(ref.typeName!, ref.title!);
    const shown = ref instanceof ClassType ? `Class['${ref.className}']` : `${capitalizeType(ref.typeName!)}['${ref.title}']`;
    if (!r) throw errorAt('KSP-EVAL-052', { ref: shown }, frame, at);
    if (!this.takesAttribute(r, name)) throw errorAt('KSP-EVAL-056', { ref: shown, name }, frame, at);
    return r.params.get(name);
  }

  /**
   * Whether a resource's type has the attribute (`Notify[x][nosuch]` is an error in Puppet): a
   * built-in type's attributes, a class's or define's parameters, the metaparameters and name.
   * A module's Ruby type is asked only when its attributes are known already; else it may.
   */
  private takesAttribute(r: ResourceState, name: string): boolean {
    if (METAPARAMETERS.has(name) || name === 'name' || name === 'title') return true;
    if (r.kind === 'builtin') return builtinTypeTakes(r.type, name) !== false;
    const node = r.kind === 'class' ? this.loader.findClass(r.title.toLowerCase())?.node : r.kind === 'define' ? this.loader.findDefine(r.type.toLowerCase())?.node : undefined;
    if (node) return node.parameters.some((p) => p.name === name);
    return true;
  }

  resourceOverride(e: A.ResourceOverrideExpression, frame: Frame): Value {
    if (e.resources.kind === 'CollectExpression') this.collectors.collect(e.resources, frame, e.operations);
    else this.overrides.add(e, frame);
    return undefined;
  }

  collect(e: A.CollectExpression, frame: Frame): Value {
    return this.collectors.collect(e, frame);
  }

  relationship(e: A.RelationshipExpression, frame: Frame): Value {
    return this.relationships.add(e, frame);
  }

  // ---------------------------------------------------------------- hiera

  /** Looks a key up in Hiera; `%{…}` interpolations see the variables visible in `frame`. */
  private hieraLookup(key: string, frame: Frame, at: A.Range, merge?: MergeOptions, legacy = false): { found: boolean; value: Value } {
    const hiera = this.options.hiera;
    if (!hiera) return { found: false, value: undefined };
    try {
      return hiera.lookup(key, {
        variable: (n) => this.lookupVariable(n, frame).value,
        convert: (value, typeName, args) => this.callFunction('new', [this.evaluator.resolveTypeName(typeName), value, ...args], null, frame, at),
      }, merge, legacy);
    } catch (e) {
      // Hiera raises without a place: the lookup is the place.
      if (e instanceof HieraError && !e.location) throw e.at(locate(frame.file, at.start));
      throw e;
    }
  }

  // ---------------------------------------------------------------- templates

  render(text: string, sensitive?: boolean): Value {
    this.templates.write(text, sensitive);
    return undefined;
  }

  // ---------------------------------------------------------------- logging

  private log(level: string, message: string, frame: Frame, at: A.Range): void {
    const p = locate(frame.file, at.start);
    this.options.log?.(level, this.redact(message), `${p.file}:${p.line}:${p.column}`);
  }

  private warn(message: string, frame: Frame): void {
    this.options.log?.('warning', this.redact(message), frame.file.path);
  }

  /**
   * An error whose message or arguments show a value decrypted from eyaml data (a type mismatch
   * shows the value it got) with that text replaced: errors reach agents, logs and pushers.
   */
  private redactError(e: unknown): unknown {
    if (!(e instanceof KasperError) || !this.options.hiera?.decryptedSecrets().length) return e;
    const message = this.redact(e.message);
    const args = Object.fromEntries(Object.entries(e.args).map(([k, v]) => [k, typeof v === 'string' ? this.redact(v) : v]));
    if (message === e.message && JSON.stringify(args) === JSON.stringify(e.args)) return e;
    return new CompileError(e.code, message, { args, severity: e.severity, location: e.location, status: e.statusCode });
  }

  /** A log message with the clear text of values decrypted from eyaml data replaced. */
  private redact(message: string): string {
    const secrets = this.options.hiera?.decryptedSecrets();
    if (!secrets?.length) return message;
    for (const s of secrets) message = message.split(s).join('[redacted]');
    return message;
  }
}

/** A node definition's regex, or the error Ruby would give, at the regex in its file. */
function nodeRegexp(def: NodeDef, h: A.LiteralRegex): PRegexp {
  try {
    return new PRegexp(h.pattern);
  } catch (e) {
    if (e instanceof CompileError && !e.location) throw e.at(locate(def.file, h.start));
    throw e;
  }
}
