// Function calls: built-in functions (functions/) get a CallContext, the narrow view of the
// compilation they may use; functions written in Puppet get their parameters bound in a scope
// of their own under top scope.
import type * as A from '@kasper/language';
import { CompileError } from './errors.ts';
import type { CompilerCode, MessageArgs } from './messages.ts';
import { NextSignal, ReturnSignal, errorAt, type Frame, type Lambda } from './frame.ts';
import type { Evaluator } from './evaluator.ts';
import type { Classes } from './classes.ts';
import type { Collectors } from './collectors.ts';
import type { Declarations } from './declarations.ts';
import type { MergeOptions } from './hiera.ts';
import { locate, normalizeName, type Loader, type SourceFile } from './loader.ts';
import { addTag } from './resources.ts';
import { Scope } from './scope.ts';
import type { Templates } from './templates.ts';
import { RubyCalls } from './ruby.ts';
import { ClassType, ResourceType, describeMismatch, formatValue } from './types/index.ts';
import { isType, type Value } from './values.ts';
import { BUILTIN_FUNCTIONS } from './functions/index.ts';
import { checkCall } from './functions/signature.ts';
import type { CallContext, ResourceView } from './functions/context.ts';
import type { QueryPuppetDB } from './functions/puppetdb.ts';

/** The parts of the compilation that calls reach. */
export interface CallParts {
  loader: Loader;
  evaluator: Evaluator;
  topScope: Scope;
  classes: Classes;
  declarations: Declarations;
  collectors: Collectors;
  templates: Templates;
  lookupVariable(name: string, frame: Frame): { found: boolean; value: Value };
  hieraLookup(key: string, frame: Frame, at: A.Range, merge?: MergeOptions, legacy?: boolean): { found: boolean; value: Value };
  log(level: string, message: string, frame: Frame, at: A.Range): void;
  /** The master's store for puppetdb_query; none outside a master. */
  queryPuppetDB?: QueryPuppetDB;
}

export class FunctionCalls {
  private readonly parts: CallParts;
  /** Templates and functions in Ruby (nothing of Ruby is loaded until one is used). */
  readonly ruby: RubyCalls;

  constructor(parts: CallParts) {
    this.parts = parts;
    this.ruby = new RubyCalls(parts, this);
  }

  /** Calls a function by name from `frame`: a built-in one, one written in Puppet, or one in Ruby. */
  call(name: string, args: Value[], lambda: Lambda | null, frame: Frame, at: A.Range): Value {
    const n = normalizeName(name);
    // A function the main manifest defines is found before Puppet's own of the same name (it is
    // set in the environment's loader, which answers before its parent, the system loader).
    const own = this.parts.loader.functions.get(n);
    if (own && own.file.module === undefined && !n.includes('::')) return this.callPuppetFunction(own.node, own.file, args, frame, at);
    const builtin = BUILTIN_FUNCTIONS.get(n);
    if (builtin) {
      const ctx = new Call(this.parts, this, frame, at, n);
      checkCall(ctx, builtin.signature, args, lambda);
      return builtin.call(ctx, args, lambda);
    }
    const def = this.parts.loader.findFunction(n);
    if (def) return this.callPuppetFunction(def.node, def.file, args, frame, at);
    const rb = this.ruby.findFunction(n);
    if (rb) return this.ruby.call(rb, args, lambda, frame, at);
    throw errorAt('KSP-EVAL-006', { name }, frame, at);
  }

  private callPuppetFunction(f: A.FunctionDefinition, file: SourceFile, args: Value[], frame: Frame, at: A.Range): Value {
    const { evaluator } = this.parts;
    const scope = new Scope('function', this.parts.topScope, f.name);
    const inner: Frame = { scope, file, container: frame.container };
    // Argument errors point at the call; type errors name the function.
    try {
      evaluator.bindParameters(f.parameters, args, inner, `function '${f.name}'`, f);
    } catch (e) {
      if (e instanceof CompileError && e.code === 'KSP-EVAL-009') throw e.at(locate(frame.file, at.start));
      throw e;
    }
    let v: Value;
    try {
      v = evaluator.evaluateBlock(f.body, inner);
    } catch (s) {
      // return() and next() give the function's value; break() ends an iteration the call is in.
      if (s instanceof ReturnSignal || s instanceof NextSignal) v = s.value;
      else throw s;
    }
    if (f.returnType) {
      const t = evaluator.evaluate(f.returnType, inner);
      if (isType(t) && !t.isInstance(v)) {
        throw errorAt('KSP-EVAL-027', { name: f.name, mismatch: describeMismatch(t, v) }, frame, at);
      }
    }
    return v;
  }
}

/** The keys CallContext.once has seen, per compilation. */
const onceKeys = new WeakMap<CallParts, Set<string>>();

/** One call of a built-in function: everything it does happens at the call's place. */
class Call implements CallContext {
  readonly name: string;
  private readonly parts: CallParts;
  private readonly calls: FunctionCalls;
  private readonly frame: Frame;
  private readonly at: A.Range;

  constructor(parts: CallParts, calls: FunctionCalls, frame: Frame, at: A.Range, name: string) {
    this.parts = parts;
    this.calls = calls;
    this.frame = frame;
    this.at = at;
    this.name = name;
  }

  error<C extends CompilerCode>(code: C, args: MessageArgs<C>): CompileError {
    return errorAt(code, args, this.frame, this.at);
  }

  variable(name: string): Value {
    return this.parts.lookupVariable(name, this.frame).value;
  }

  evaluate(e: A.Expression): Value {
    return this.parts.evaluator.evaluate(e, this.frame);
  }

  call(name: string, args: Value[], lambda: Lambda | null): Value {
    return this.calls.call(name, args, lambda, this.frame, this.at);
  }

  lookup(key: string, merge?: MergeOptions, legacy?: boolean): { found: boolean; value: Value } {
    return this.parts.hieraLookup(key, this.frame, this.at, merge, legacy);
  }

  log(level: string, message: string): void {
    this.parts.log(level, message, this.frame, this.at);
  }

  once(key: string): boolean {
    let seen = onceKeys.get(this.parts);
    if (!seen) onceKeys.set(this.parts, (seen = new Set()));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }

  position(): { file: string; line: number; column: number } {
    const p = locate(this.frame.file, this.at.start);
    return { file: p.file, line: p.line, column: p.column };
  }

  include(names: string[]): void {
    this.parts.classes.declareAll(names, null, this.frame, this.at);
  }

  require(names: string[]): void {
    const { classes } = this.parts;
    for (const res of classes.declareAll(names, null, this.frame, this.at)) classes.require(this.frame, res);
  }

  contain(names: string[]): void {
    const { classes } = this.parts;
    for (const res of classes.declareAll(names, null, this.frame, this.at)) classes.contain(res, this.frame);
  }

  declareClass(name: string, params: Map<string, Value>): void {
    this.parts.classes.declare(name, params, this.frame, this.at);
  }

  declareResource(typeName: string, title: Value, form: A.ResourceForm, params: Map<string, Value>): void {
    this.parts.declarations.create(typeName, formatValue(title), form, params, this.frame, this.at, this.at.start, title);
  }

  findResource(typeName: string, title: string): ResourceView | undefined {
    return this.parts.declarations.find(typeName, title);
  }

  realize(refs: Value[]): void {
    this.parts.collectors.realize(refs, this.frame, this.at);
  }

  /**
   * A name is defined when a class, defined type or resource type of that name exists; `'$var'`
   * when the variable is set; a reference when the resource (or class) is declared.
   */
  isDefined(v: Value): boolean {
    const { loader, classes, declarations } = this.parts;
    if (typeof v === 'string') {
      if (v.startsWith('$')) return this.parts.lookupVariable(v.slice(1), this.frame).found;
      const n = normalizeName(v);
      return loader.findClass(n) !== undefined || declarations.kindOf(n) !== null;
    }
    if (v instanceof ClassType) return v.className ? classes.isDeclared(normalizeName(v.className)) : true;
    if (v instanceof ResourceType && v.typeName) {
      if (v.title === undefined) return declarations.kindOf(v.typeName) !== null;
      return declarations.find(v.typeName, v.title) !== undefined;
    }
    return isType(v);
  }

  tag(tags: string[]): void {
    for (const t of tags) addTag(this.frame.container.tags, t);
  }

  tags(): ReadonlySet<string> {
    return this.frame.container.tags;
  }

  definition(): { kind: 'class' | 'define' | 'other'; name: string } {
    const c = this.frame.container;
    if (c.kind === 'class') return { kind: 'class', name: c.title.toLowerCase() };
    if (c.kind === 'define') return { kind: 'define', name: c.type.toLowerCase() };
    return { kind: 'other', name: c.title.toLowerCase() };
  }

  moduleFile(spec: string, subdir: 'templates' | 'files'): string | undefined {
    return this.parts.loader.moduleFile(spec, subdir);
  }

  moduleDirectory(name: string): string | undefined {
    return this.parts.loader.moduleDir(name);
  }

  queryPuppetDB(query: string | unknown[]): unknown[] {
    const ask = this.parts.queryPuppetDB;
    if (!ask) throw this.error('KSP-FUNC-120', { reason: 'there is no PuppetDB to ask here (this compile is not on a master)' });
    try {
      return ask(query);
    } catch (e) {
      throw this.error('KSP-FUNC-120', { reason: (e as Error).message });
    }
  }

  readText(path: string): string {
    return this.parts.loader.readText(path);
  }

  renderEpp(source: string, file: string, params: Value): Value {
    return this.parts.templates.render(source, file, params, this.frame, this.at);
  }

  renderErb(source: string, file: string | undefined, name: string | undefined): string {
    return this.calls.ruby.renderErb(source, file, name, this.frame, this.at);
  }
}
