// The evaluator: one method per AST node kind, dispatched on `kind`.
// Expressions produce values (operators.ts has the operators); resource, class and relationship
// expressions hand their work to an EvaluationHost: the Compilation, which owns the catalog.
import type * as A from '@kasper/language';
import { CompileError } from './errors.ts';
import { locate } from './loader.ts';
import type { CompilerCode, MessageArgs } from './messages.ts';
import { Scope } from './scope.ts';
import {
  PDeferred, DEFAULT, PRegexp, PSensitive, hashGet, isTruthy, isType, NOT_FOUND, puppetEquals, type Value,
} from './values.ts';
import { ClassType, ResourceType, describe, describeMismatch, formatValue, parameterize, typeByName } from './types/index.ts';
import { ControlSignal, NextSignal, errorAt, type Frame, type Lambda } from './frame.ts';
import { KasperError } from '@kasper/diagnostics';
import { binaryOperation, match, negate, readMember, versionCaseMatch } from './operators.ts';

/**
 * What the evaluator hands on: variables, calls, type names it does not know, and the
 * expressions that change the catalog. The Compilation provides it.
 */
export interface EvaluationHost {
  lookupVariable(name: string, frame: Frame): { found: boolean; value: Value };
  setVariable(name: string, value: Value, frame: Frame, at: A.Range): void;
  callFunction(name: string, args: Value[], lambda: Lambda | null, frame: Frame, at: A.Range): Value;
  /** A capitalised name that is not a built-in type: a type alias or a resource type. */
  resolveTypeReference(name: string): Value;
  declareResources(e: A.ResourceExpression, frame: Frame): Value;
  resourceDefaults(e: A.ResourceDefaultsExpression, frame: Frame): Value;
  resourceOverride(e: A.ResourceOverrideExpression, frame: Frame): Value;
  collect(e: A.CollectExpression, frame: Frame): Value;
  relationship(e: A.RelationshipExpression, frame: Frame): Value;
  /** EPP text, into the template being rendered; `sensitive` when it came from a Sensitive value. */
  render(text: string, sensitive?: boolean): Value;
  /** `Notify[id][message]`, `Class[x][param]`: an attribute of a resource declared so far. */
  resourceAttribute(ref: ResourceType | ClassType, name: string, frame: Frame, at: A.Range): Value;
}

/**
 * How many evaluations may run inside one another. The deepest of Debian's 93 modules (include
 * <module> on Debian 12 facts) reaches 21. A level costs up to 1.8 KB of stack (an include
 * inside a class, before the JIT compiles the evaluator), so 200 stay within 360 KB and leave
 * Node's default 984 KB room for a parse of the deepest code the parser takes (MAX_NESTING),
 * which autoloading can start at that depth.
 */
export const MAX_EVALUATION_DEPTH = 200;

export class Evaluator {
  private readonly host: EvaluationHost;
  /** How many calls of evaluate() are under way, one inside another. */
  private depth = 0;

  constructor(host: EvaluationHost) {
    this.host = host;
  }

  // ---------------------------------------------------------------- errors

  error<C extends CompilerCode>(code: C, args: MessageArgs<C>, frame: Frame, node: A.Range): CompileError {
    return errorAt(code, args, frame, node);
  }

  // ---------------------------------------------------------------- statements

  /** Evaluates a block of statements; the value is the last statement's. */
  evaluateBlock(body: A.Expression[], frame: Frame): Value {
    let last: Value = undefined;
    // Indexed loops on the hot paths: for…of allocates an iterator result per step in code V8
    // has not optimised with TurboFan, which one-shot compiles run without.
    for (let i = 0; i < body.length; i++) last = this.evaluate(body[i], frame);
    return last;
  }

  /**
   * Evaluates an expression, at most MAX_EVALUATION_DEPTH evaluations inside one another: the
   * parser bounds nesting, but chains (`1 + 2 + … + 20000`, `a -> b -> …`, elsif branches) make
   * trees as deep as they are long, and functions and classes can recurse; beyond the limit the
   * error KSP-EVAL-047 names the place instead of the stack overflowing.
   */
  evaluate(e: A.Expression, frame: Frame): Value {
    if (this.depth >= MAX_EVALUATION_DEPTH) throw this.error('KSP-EVAL-047', { max: MAX_EVALUATION_DEPTH }, frame, e);
    this.depth++;
    try {
      return this.evaluateNode(e, frame);
    } catch (err) {
      throw located(err, frame, e);
    } finally {
      this.depth--;
    }
  }

  private evaluateNode(e: A.Expression, frame: Frame): Value {
    switch (e.kind) {
      case 'LiteralString': return e.value;
      case 'LiteralNumber': return e.float ? e.value : BigInt(e.radix === 10 ? e.text : e.value);
      case 'LiteralBoolean': return e.value;
      case 'LiteralUndef': return undefined;
      case 'LiteralDefault': return DEFAULT;
      case 'LiteralRegex': return new PRegexp(e.pattern);
      case 'QualifiedName': return e.value;
      case 'ReservedWord': return e.word;
      case 'QualifiedReference': return this.resolveTypeName(e.value);
      case 'ConcatenatedString': return this.concatenated(e, frame);
      case 'TextExpression': return formatValue(this.evaluate(e.expr, frame));
      case 'Heredoc': return this.evaluate(e.text, frame);
      case 'VariableExpression': return this.variable(e, frame);
      case 'LiteralList': return this.list(e.values, frame);
      case 'LiteralHash': return this.hash(e, frame);
      case 'KeyedEntry': throw this.error('KSP-EVAL-011', {}, frame, e);
      case 'ParenthesizedExpression': return this.evaluate(e.expr, frame);
      case 'NotExpression': return !isTruthy(this.evaluate(e.expr, frame));
      case 'UnaryMinusExpression': return negate(this.evaluate(e.expr, frame), frame, e);
      case 'UnfoldExpression': return this.unfoldValue(this.evaluate(e.expr, frame));
      case 'BinaryExpression': return this.binary(e, frame);
      case 'AssignmentExpression': return this.assign(e, frame);
      case 'AccessExpression': return this.access(e, frame);
      case 'SelectorExpression': return this.selector(e, frame);
      case 'IfExpression': return this.ifExpression(e, frame);
      case 'UnlessExpression':
        return this.withEphemeralMatch(frame, () => (isTruthy(this.evaluate(e.test, frame)) ? (e.else ? this.evaluateBlock(e.else, frame) : undefined) : this.evaluateBlock(e.then, frame)));
      case 'CaseExpression': return this.withEphemeralMatch(frame, () => this.caseExpression(e, frame));
      case 'CallNamedFunctionExpression': return this.callNamed(e, frame);
      case 'CallMethodExpression': return this.callMethod(e, frame);
      case 'NamedAccessExpression': throw this.error('KSP-EVAL-012', { name: e.name }, frame, e);
      case 'LambdaExpression': throw this.error('KSP-EVAL-013', {}, frame, e);
      case 'RelationshipExpression': return this.host.relationship(e, frame);
      case 'ResourceExpression': return this.host.declareResources(e, frame);
      case 'ResourceDefaultsExpression': return this.host.resourceDefaults(e, frame);
      case 'ResourceOverrideExpression': return this.host.resourceOverride(e, frame);
      case 'CollectExpression': return this.host.collect(e, frame);
      // Definitions were registered by the loader when their file was read.
      case 'HostClassDefinition':
      case 'ResourceTypeDefinition':
      case 'FunctionDefinition':
      case 'TypeAlias':
      case 'TypeDefinition':
      case 'NodeDefinition':
        return undefined;
      case 'RenderStringExpression': return this.host.render(e.value);
      case 'RenderExpression': {
        // `<%= $secret %>` writes what a Sensitive hides, and the template's result is Sensitive.
        const v = this.evaluate(e.expr, frame);
        return v instanceof PSensitive ? this.host.render(formatValue(v.value), true) : this.host.render(formatValue(v));
      }
    }
  }

  // ---------------------------------------------------------------- values

  private concatenated(e: A.ConcatenatedString, frame: Frame): string {
    let out = '';
    const segments = e.segments;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i];
      out += s.kind === 'LiteralString' ? s.value : formatValue(this.evaluate(s.expr, frame));
    }
    return out;
  }

  private variable(e: A.VariableExpression, frame: Frame): Value {
    const name = e.name;
    if (name === '') throw this.error('KSP-EVAL-014', {}, frame, e);
    const r = this.host.lookupVariable(name, frame);
    // Puppet evaluates an unknown variable to undef (strict_variables is off by default).
    return r.value;
  }

  private list(values: A.Expression[], frame: Frame): Value[] {
    const out: Value[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v.kind === 'UnfoldExpression') out.push(...this.unfold(this.evaluate(v.expr, frame)));
      else out.push(this.evaluate(v, frame));
    }
    return out;
  }

  private unfold(v: Value): Value[] {
    if (Array.isArray(v)) return v;
    if (v instanceof Map) return [...v.entries()].map(([k, x]) => [k, x]);
    return [v];
  }

  private unfoldValue(v: Value): Value {
    return Array.isArray(v) ? v : v instanceof Map ? [...v.entries()].map(([k, x]) => [k, x]) : [v];
  }

  private hash(e: A.LiteralHash, frame: Frame): Map<Value, Value> {
    const m = new Map<Value, Value>();
    const entries = e.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      m.set(this.evaluate(entry.key, frame), this.evaluate(entry.value, frame));
    }
    return m;
  }

  /**
   * Attribute operations (`name => value`, `* => $hash`) as a map, after those of a `default:`
   * body when given.
   */
  attributes(ops: A.AttributeOp[], frame: Frame, defaults?: A.AttributeOp[]): Map<string, Value> {
    const out = new Map<string, Value>();
    const apply = (list: A.AttributeOp[], own: boolean) => {
      // One body sets an attribute once (explicitly or through `* =>`), as Puppet requires.
      const seen = new Set<string>();
      const set = (k: string, v: Value, at: A.Range) => {
        if (own && seen.has(k)) throw this.error('KSP-RES-022', { name: k }, frame, at);
        seen.add(k);
        out.set(k, v);
      };
      for (let i = 0; i < list.length; i++) {
        const op = list[i];
        if (op.kind === 'AttributesOperation') {
          const h = this.evaluate(op.value, frame);
          if (h === undefined) continue;
          if (!(h instanceof Map)) throw this.error('KSP-RES-017', { value: describe(h) }, frame, op);
          for (const [k, v] of h) {
            if (typeof k !== 'string') throw this.error('KSP-RES-018', { value: describe(k) }, frame, op);
            set(k, v, op);
          }
        } else {
          set(op.name, this.evaluate(op.value, frame), op);
        }
      }
    };
    if (defaults) apply(defaults, false);
    apply(ops, true);
    return out;
  }

  // ---------------------------------------------------------------- operators

  private binary(e: A.BinaryExpression, frame: Frame): Value {
    const op = e.operator;
    if (op === 'and') return isTruthy(this.evaluate(e.left, frame)) && isTruthy(this.evaluate(e.right, frame));
    if (op === 'or') return isTruthy(this.evaluate(e.left, frame)) || isTruthy(this.evaluate(e.right, frame));
    return binaryOperation(op, this.evaluate(e.left, frame), this.evaluate(e.right, frame), frame, e);
  }

  // ---------------------------------------------------------------- assignment

  private assign(e: A.AssignmentExpression, frame: Frame): Value {
    if (e.operator !== '=') throw this.error('KSP-EVAL-015', { operator: e.operator }, frame, e);
    const value = this.evaluate(e.right, frame);
    this.assignTo(e.left, value, frame);
    return value;
  }

  private assignTo(target: A.Expression, value: Value, frame: Frame): void {
    if (target.kind === 'VariableExpression') {
      this.host.setVariable(target.name, value, frame, target);
      return;
    }
    if (target.kind === 'LiteralList') {
      // [$a, $b] = [1, 2] or = { a => 1, b => 2 }
      if (Array.isArray(value)) {
        if (value.length !== target.values.length) {
          throw this.error('KSP-EVAL-016', { expected: target.values.length, count: value.length }, frame, target);
        }
        target.values.forEach((t, i) => this.assignTo(t, value[i], frame));
        return;
      }
      if (value instanceof Map) {
        for (const t of target.values) {
          if (t.kind !== 'VariableExpression') throw this.error('KSP-EVAL-017', {}, frame, t);
          const v = hashGet(value, t.name);
          if (v === NOT_FOUND) throw this.error('KSP-EVAL-018', { name: t.name }, frame, t);
          this.host.setVariable(t.name, v, frame, t);
        }
        return;
      }
      // Any other value is one value: [$a] = 1 sets $a, [$a, $b] = 1 is a count mismatch.
      if (target.values.length !== 1) throw this.error('KSP-EVAL-016', { expected: target.values.length, count: 1 }, frame, target);
      this.assignTo(target.values[0], value, frame);
      return;
    }
    throw this.error('KSP-EVAL-020', { kind: target.kind }, frame, target);
  }

  // ---------------------------------------------------------------- access

  private access(e: A.AccessExpression, frame: Frame): Value {
    const target = this.evaluate(e.target, frame);
    const keys = this.list(e.keys, frame);
    if (typeof target === 'string') return this.sliceLike(target, keys, frame, e, (s, a, b) => s.slice(a, b));
    if (Array.isArray(target)) return this.sliceLike(target, keys, frame, e, (s, a, b) => s.slice(a, b));
    if (target instanceof Map) {
      if (keys.length === 1) {
        const v = hashGet(target, keys[0]);
        return v === NOT_FOUND ? undefined : v;
      }
      return keys.map((k) => hashGet(target, k)).filter((v) => v !== NOT_FOUND) as Value[];
    }
    // A reference to one resource or class, accessed by a name: the value of that attribute.
    if (keys.length === 1 && typeof keys[0] === 'string'
      && ((target instanceof ResourceType && target.typeName !== undefined && target.title !== undefined) || (target instanceof ClassType && target.className !== undefined))) {
      return this.host.resourceAttribute(target, keys[0], frame, e);
    }
    if (isType(target)) {
      try {
        return parameterize(target, keys);
      } catch (err) {
        // The type system raises without a place: the access expression is the place.
        if (err instanceof CompileError) throw err.location ? err : err.at(locate(frame.file, e.start));
        throw this.error('KSP-TYPE-013', { reason: (err as Error).message }, frame, e);
      }
    }
    const keyList = keys.map((k) => formatValue(k)).join(', ');
    if (e.target.kind === 'VariableExpression') {
      // Say where the value came from: most often a fact, parameter or lookup that is missing.
      const name = e.target.name;
      const known = this.host.lookupVariable(name, frame).found;
      const origin = known ? frame.scope.origin(name.replace(/^::/, '')) : undefined;
      const from = !known ? ' (it was never set: check its name, or the class that should set it)'
        : origin ? ` (it was assigned at ${origin})` : '';
      throw this.error('KSP-EVAL-022', { name, value: describe(target), origin: from, keys: keyList }, frame, e);
    }
    throw this.error('KSP-EVAL-021', { value: describe(target), keys: keyList }, frame, e);
  }

  private sliceLike<T extends string | Value[]>(target: T, keys: Value[], frame: Frame, e: A.Range, slice: (t: T, a: number, b: number) => T): Value {
    const len = target.length;
    const idx = (v: Value) => {
      if (typeof v !== 'bigint') throw this.error('KSP-EVAL-023', { value: describe(v) }, frame, e);
      return Number(v);
    };
    if (keys.length === 1) {
      let i = idx(keys[0]);
      if (i < 0) i += len;
      if (i < 0 || i >= len) return typeof target === 'string' ? '' : undefined;
      return typeof target === 'string' ? target[i] : (target as Value[])[i];
    }
    if (keys.length === 2) {
      // As Puppet: a negative start counts from the end, a negative count ends that far from the
      // end, and a start before the first element shortens the slice instead of emptying it.
      let start = idx(keys[0]);
      let count = idx(keys[1]);
      if (start < 0) start += len;
      if (count < 0) count = len - start + count + 1;
      if (start < 0) {
        count += start;
        start = 0;
      }
      if (start > len || count < 0) return typeof target === 'string' ? '' : [];
      return slice(target, start, start + count);
    }
    throw this.error('KSP-EVAL-024', { count: keys.length }, frame, e);
  }

  // ---------------------------------------------------------------- conditionals

  private ifExpression(e: A.IfExpression, frame: Frame): Value {
    return this.withEphemeralMatch(frame, () => {
      if (isTruthy(this.evaluate(e.test, frame))) return this.evaluateBlock(e.then, frame);
      return e.else ? this.evaluateBlock(e.else, frame) : undefined;
    });
  }

  /** Match results ($0, $1 …) set by a conditional's test live only until the conditional ends. */
  private withEphemeralMatch(frame: Frame, fn: () => Value): Value {
    const saved = frame.scope.getMatch();
    try {
      return fn();
    } finally {
      frame.scope.setMatch(saved);
    }
  }

  /** Does a case option or selector entry match the value? (regexes and types match, the rest compares) */
  private caseMatches(option: Value, value: Value, frame: Frame, e: A.Range): boolean {
    if (option === DEFAULT) return true;
    if (option instanceof PRegexp) return typeof value === 'string' && match(value, option, frame, e);
    const version = versionCaseMatch(option, value);
    if (version !== undefined) return version;
    if (isType(option)) return option.isInstance(value);
    if (Array.isArray(option) && Array.isArray(value)) {
      return option.length === value.length && option.every((o, i) => this.caseMatches(o, value[i], frame, e));
    }
    // A hash option matches a hash that has each of its keys with a matching value (more keys may follow).
    if (option instanceof Map) {
      if (!(value instanceof Map)) return false;
      return [...option].every(([k, o]) => {
        const v = hashGet(value, k);
        return this.caseMatches(o, v === NOT_FOUND ? undefined : v, frame, e);
      });
    }
    return puppetEquals(option, value);
  }

  private caseExpression(e: A.CaseExpression, frame: Frame): Value {
    const value = this.evaluate(e.test, frame);
    let fallback: A.CaseOption | null = null;
    for (const option of e.options) {
      for (const v of option.values) {
        if (v.kind === 'LiteralDefault') {
          fallback = option;
          continue;
        }
        const candidates = v.kind === 'UnfoldExpression' ? this.unfold(this.evaluate(v.expr, frame)) : [this.evaluate(v, frame)];
        if (candidates.some((c) => this.caseMatches(c, value, frame, v))) return this.evaluateBlock(option.body, frame);
      }
    }
    return fallback ? this.evaluateBlock(fallback.body, frame) : undefined;
  }

  private selector(e: A.SelectorExpression, frame: Frame): Value {
    const value = this.evaluate(e.left, frame);
    let fallback: A.SelectorEntry | null = null;
    for (const entry of e.entries) {
      if (entry.matching.kind === 'LiteralDefault') {
        fallback = entry;
        continue;
      }
      const m = entry.matching;
      const candidates = m.kind === 'UnfoldExpression' ? this.unfold(this.evaluate(m.expr, frame)) : [this.evaluate(m, frame)];
      if (candidates.some((c) => this.caseMatches(c, value, frame, m))) return this.evaluate(entry.value, frame);
    }
    if (fallback) return this.evaluate(fallback.value, frame);
    throw this.error('KSP-EVAL-001', { value: formatValue(value) }, frame, e);
  }

  // ---------------------------------------------------------------- calls

  /** Arguments: `*$array` spreads into several. */
  evaluateArgs(args: A.Expression[], frame: Frame): Value[] {
    return this.list(args, frame);
  }

  private callNamed(e: A.CallNamedFunctionExpression, frame: Frame): Value {
    const f = e.functor;
    let name: string;
    if (f.kind === 'QualifiedName') name = f.value;
    else if (f.kind === 'QualifiedReference' || f.kind === 'AccessExpression') {
      // Type(args) is Type.new(args)
      const type = this.evaluate(f, frame);
      return this.host.callFunction('new', [type, ...this.evaluateArgs(e.args, frame)], this.makeLambda(e.lambda, frame), frame, e);
    } else {
      throw this.error('KSP-EVAL-025', {}, frame, f);
    }
    const args = this.evaluateArgs(e.args, frame);
    return this.host.callFunction(name, args, this.makeLambda(e.lambda, frame), frame, e);
  }

  private callMethod(e: A.CallMethodExpression, frame: Frame): Value {
    const receiver = this.evaluate(e.functor.left, frame);
    const args = this.evaluateArgs(e.args, frame);
    // An Object's attributes read as methods: $d.name, $d.arguments on a Deferred.
    if (receiver instanceof PDeferred && args.length === 0 && !e.lambda && (e.functor.name === 'name' || e.functor.name === 'arguments')) {
      return e.functor.name === 'name' ? receiver.name : receiver.args;
    }
    if (args.length === 0 && !e.lambda) {
      const v = readMember(receiver, e.functor.name);
      if (v !== NOT_FOUND) return v;
    }
    return this.host.callFunction(e.functor.name, [receiver, ...args], this.makeLambda(e.lambda, frame), frame, e);
  }

  makeLambda(l: A.LambdaExpression | null, frame: Frame): Lambda | null {
    if (!l) return null;
    return {
      parameters: l.parameters,
      call: (args: Value[]) => {
        const scope = new Scope('lambda', frame.scope);
        const inner: Frame = { ...frame, scope };
        this.bindParameters(l.parameters, args, inner, 'lambda', l);
        try {
          const v = this.evaluateBlock(l.body, inner);
          if (l.returnType) this.checkReturn(l.returnType, v, inner, l);
          return v;
        } catch (s) {
          if (s instanceof NextSignal) return s.value;
          throw s;
        }
      },
    };
  }

  private checkReturn(typeExpr: A.Expression, v: Value, frame: Frame, at: A.Range): void {
    const t = this.evaluateType(typeExpr, frame);
    if (isType(t) && !t.isInstance(v)) {
      throw this.error('KSP-EVAL-026', { mismatch: describeMismatch(t, v) }, frame, at);
    }
  }

  /**
   * Binds call arguments to parameters in `frame.scope`: positional values, defaults evaluated
   * in the new scope (so a default can use earlier parameters), a captures-rest last parameter,
   * and type checks with Puppet's wording.
   */
  bindParameters(params: A.Parameter[], args: Value[], frame: Frame, what: string, at: A.Range): void {
    // As Puppet: a required parameter may not follow an optional one.
    const firstOptional = params.findIndex((p) => p.value);
    if (firstOptional >= 0) {
      const late = params.slice(firstOptional).find((p) => !p.value && !p.capturesRest);
      if (late) throw this.error('KSP-EVAL-054', { name: late.name }, frame, late);
    }
    const required = params.filter((p) => !p.value && !p.capturesRest).length;
    const rest = params.length > 0 && params[params.length - 1].capturesRest;
    const max = rest ? Infinity : params.length;
    if (args.length < required || args.length > max) {
      const expect = rest ? `at least ${required}` : required === params.length ? `${required}` : `between ${required} and ${params.length}`;
      throw this.error('KSP-EVAL-009', { callee: what, expected: `${expect} argument${required === 1 && !rest ? '' : 's'}`, count: args.length }, frame, at);
    }
    params.forEach((p, i) => {
      let v: Value;
      // A captures-rest parameter with nothing left to take gets its default (as an array).
      if (p.capturesRest) v = args.length > i || !p.value ? args.slice(i) : [this.evaluate(p.value, frame)].flat(1);
      else if (i < args.length) v = args[i];
      else v = p.value ? this.evaluate(p.value, frame) : undefined;
      if (p.typeExpr) {
        const t = this.evaluateType(p.typeExpr, frame);
        const check = p.capturesRest && Array.isArray(v) ? v : [v];
        for (const x of check) {
          if (isType(t) && !t.isInstance(x)) {
            throw this.error('KSP-EVAL-005', { callee: what, parameter: p.name, mismatch: describeMismatch(t, x) }, frame, at);
          }
        }
      }
      frame.scope.set(p.name, v);
    });
  }

  // ---------------------------------------------------------------- types

  /**
   * A parameter's or return's type expression. One that names only built-in types with literal
   * parameters (`String`, `Integer[1, 65535]`, `Hash[String, Array[String]]`) has the same value
   * wherever and whenever it is evaluated: it is evaluated once per expression (per parsed file),
   * not again for every instance of a defined type or every call.
   */
  evaluateType(e: A.Expression, frame: Frame): Value {
    const hit = STATIC_TYPES.get(e);
    if (hit !== undefined) return hit;
    const v = this.evaluate(e, frame);
    if (isType(v) && isStaticTypeExpression(e)) STATIC_TYPES.set(e, v);
    return v;
  }

  resolveTypeName(name: string): Value {
    const builtin = typeByName(name);
    if (builtin) return builtin;
    return this.host.resolveTypeReference(name);
  }
}

/** The values of static type expressions (evaluateType), by expression. */
const STATIC_TYPES = new WeakMap<A.Expression, Value>();

/**
 * Built-in types whose values are immutable and the same in every compilation (no resource,
 * class, Object, Init or Runtime type: those name or hold what a compilation defines).
 */
const STATIC_TYPE_NAMES = new Set([
  'Any', 'Undef', 'Default', 'Boolean', 'Numeric', 'Scalar', 'ScalarData', 'Data', 'RichData', 'Integer', 'Float', 'String',
  'Enum', 'Collection', 'Array', 'Hash', 'Tuple', 'Struct', 'Optional', 'NotUndef', 'Variant', 'Sensitive',
]);

/** Whether a type expression names only STATIC_TYPE_NAMES, with numbers, strings and such types as parameters. */
function isStaticTypeExpression(e: A.Expression): boolean {
  switch (e.kind) {
    case 'QualifiedReference': return STATIC_TYPE_NAMES.has(e.value);
    case 'LiteralNumber':
    case 'LiteralString':
      return true;
    case 'AccessExpression':
      return e.target.kind === 'QualifiedReference' && STATIC_TYPE_NAMES.has(e.target.value) && e.keys.every(isStaticTypeExpression);
    case 'LiteralHash':
      return e.entries.every((x) => isStaticTypeExpression(x.key) && isStaticTypeExpression(x.value));
    default:
      return false;
  }
}

/**
 * What an evaluation threw, as it leaves the innermost expression: an error with no place gets
 * this expression's, and an exception that is not a KasperError (a bug in Kasper) becomes the
 * located KSP-EVAL-050 instead of escaping the compiler unplaced. break/next/return pass.
 */
function located(err: unknown, frame: Frame, e: A.Range): unknown {
  if (err instanceof ControlSignal) return err;
  if (err instanceof KasperError) {
    if (err.location) return err;
    const where = locate(frame.file, e.start);
    return err instanceof CompileError ? err.at(where) : new CompileError(err.code, err.message, { args: err.args, location: where, status: err.statusCode });
  }
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return errorAt('KSP-EVAL-050', { message }, frame, e);
}
