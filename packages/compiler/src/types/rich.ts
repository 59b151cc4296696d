// The types of Puppet's rich values and the parameterised abstract types: SemVer[ranges…],
// SemVerRange, URI[{parts}], Binary, Init[T, args…], Iterable[T], Iterator[T], Runtime[rt, name].
// Object types (Error, the user's `type X = Object[{…}]`) are in objects.ts.
import { PBinary, PIterator, PRegexp, PSemVer, PSemVerRange, PURI, type Value } from '../values.ts';
import { coveredBy, mergeTypeRanges } from './semver.ts';
import { URI_PARTS } from './uri.ts';
import { Any, PType, SimpleType, VariantType, quote, resolve } from './base.ts';
import { EnumType, IntegerType, PatternType, StringType } from './scalars.ts';
import { ArrayType, CollectionType, HashType, StructType, TupleType } from './collections.ts';

/** `SemVer`, or `SemVer['>=1.0.0 <2.0.0', …]`: versions in any of the ranges. */
export class SemVerType extends PType {
  readonly name = 'SemVer';
  readonly ranges: PSemVerRange[];
  constructor(ranges: PSemVerRange[] = []) {
    super();
    this.ranges = ranges.length > 1 ? mergeTypeRanges(ranges) : ranges;
  }
  isInstance(v: Value): boolean {
    return v instanceof PSemVer && (this.ranges.length === 0 || this.ranges.some((r) => r.includes(v)));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof SemVerType)) return false;
    if (this.ranges.length === 0) return true;
    if (o.ranges.length === 0) return false;
    return o.ranges.every((r) => this.ranges.some((mine) => coveredBy(r, mine)));
  }
  protected override params(): string[] {
    return this.ranges.map((r) => quote(r.text));
  }
}

export const SemVerRange = new SimpleType('SemVerRange', (v) => v instanceof PSemVerRange);
export const Binary = new SimpleType('Binary', (v) => v instanceof PBinary);

/** `URI`, or `URI[{scheme => 'https', host => /example/}]` (or a URI string: its parts). */
export class URIType extends PType {
  readonly name = 'URI';
  /** Each part's expected value: a String, a Regexp or a type, matched as `=~` would. */
  readonly parts: Map<string, Value> | null;
  constructor(parts: Map<string, Value> | null = null) {
    super();
    this.parts = parts && parts.size ? parts : null;
  }
  /** URI['http://x/a']: the parts of that URI, as Puppet takes them. */
  static fromUri(u: PURI): URIType {
    const m = new Map<string, Value>();
    if (u.scheme !== undefined) m.set('scheme', u.scheme);
    if (u.userinfo !== undefined) m.set('userinfo', u.userinfo);
    if (u.host !== undefined && u.host !== '') m.set('host', u.host.toLowerCase());
    const port = u.port;
    if (port !== undefined && !(port === 80n && u.scheme === 'http') && !(port === 443n && u.scheme === 'https')) m.set('port', String(port));
    if (u.opaque === undefined && u.path !== '') m.set('path', u.path);
    if (u.query !== undefined) m.set('query', u.query);
    if (u.fragment !== undefined) m.set('fragment', u.fragment);
    if (u.opaque !== undefined) m.set('opaque', u.opaque);
    return new URIType(m);
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof PURI)) return false;
    if (!this.parts) return true;
    for (const [k, want] of this.parts) {
      if (!(URI_PARTS as readonly string[]).includes(k)) return false;
      if (!partMatches(v.part(k as (typeof URI_PARTS)[number]), want)) return false;
    }
    return true;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof URIType)) return false;
    if (!this.parts) return true;
    const theirs = o.parts ?? new Map<string, Value>();
    for (const [k, want] of this.parts) {
      if (!theirs.has(k)) return false;
      const a = theirs.get(k);
      if (!partMatches(a as string | bigint | undefined, want) && !(a instanceof PType && want instanceof PType && want.isAssignable(a))) return false;
    }
    return true;
  }
  protected override params(): string[] {
    if (!this.parts) return [];
    const show = (v: Value): string => (typeof v === 'string' ? quote(v) : v instanceof PRegexp ? v.toString() : String(v));
    return [`{${[...this.parts].map(([k, v]) => `${quote(k)} => ${show(v)}`).join(', ')}}`];
  }
}

/** A URI part against what a URI type wants of it: equal (strings without case), a regex match, or a type. */
function partMatches(got: string | bigint | undefined, want: Value): boolean {
  if (want instanceof PRegexp) return typeof got === 'string' && want.regexp.test(got);
  if (want instanceof PType) return want.isInstance(got);
  if (typeof want === 'string') return got !== undefined && String(got).toLowerCase() === want.toLowerCase();
  return got === want;
}

/**
 * `Init[T, args…]`: what `T.new(value, args…)` accepts. A value is an instance when it is a T
 * already or T.new takes it; `Init[T](x)` is that conversion. The converter comes from the
 * functions (conversions.ts), which know how every type is made.
 */
export class InitType extends PType {
  readonly name = 'Init';
  readonly type: PType | undefined;
  readonly args: Value[];
  static converter: ((type: PType, args: Value[]) => Value) | undefined;
  constructor(type?: PType, args: Value[] = []) {
    super();
    this.type = type;
    this.args = args;
  }
  isInstance(v: Value): boolean {
    if (!this.type) return true;
    if (this.args.length === 0 && this.type.isInstance(v)) return true;
    try {
      InitType.converter?.(this.type, [v, ...this.args]);
      return InitType.converter !== undefined;
    } catch {
      return false;
    }
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (!this.type) return true;
    if (o instanceof InitType) return o.type !== undefined && this.type.isAssignable(o.type) && this.args.length === o.args.length;
    return this.args.length === 0 && this.type.isAssignable(o);
  }
  protected override params(): string[] {
    if (!this.type) return [];
    return [this.type.toString(), ...this.args.map((a) => (typeof a === 'string' ? quote(a) : String(a)))];
  }
}

/** The elements a value yields when iterated, or the type of them (for integers). */
function iteratedTypes(v: Value): PType[] | Value[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof PIterator) return [...v.items];
  if (typeof v === 'string') return [...v];
  if (v instanceof Map) return [...v].map(([k, x]) => [k, x]);
  // n iterates 0…n-1 (an Integer type even when n is 0); a negative Integer is not Iterable.
  if (typeof v === 'bigint') return v < 0n ? undefined : [new IntegerType(0n, v > 0n ? v - 1n : 0n)];
  if (v instanceof IntegerType && v.min !== null && v.max !== null) return [new IntegerType(v.min, v.max)];
  if (v instanceof EnumType) return v.values;
  return undefined;
}

/** `Iterable`, `Iterable[T]`: what the iteration functions take, yielding Ts. */
export class IterableType extends PType {
  readonly name: string = 'Iterable';
  readonly element: PType;
  constructor(element: PType = Any) {
    super();
    this.element = element;
  }
  isInstance(v: Value): boolean {
    const items = iteratedTypes(v);
    if (items === undefined) return false;
    if (resolve(this.element) === Any) return true;
    // An Integer's elements are a range, tested as a type.
    return (items as Value[]).every((x) => (x instanceof IntegerType && (typeof v === 'bigint' || v instanceof IntegerType) ? this.element.isAssignable(x) : this.element.isInstance(x)));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    const e = this.element;
    const anyE = resolve(e) === Any;
    if (o instanceof IterableType) return anyE || e.isAssignable(o.element);
    if (o instanceof ArrayType) return anyE || e.isAssignable(o.element);
    if (o instanceof TupleType) return anyE || o.types.every((t) => e.isAssignable(t));
    if (o instanceof HashType) return anyE || e.isAssignable(new TupleType([o.key, o.value]));
    if (o instanceof StructType) return anyE || o.entries.every((x) => e.isAssignable(new TupleType([new StringType(), x.type])));
    if (o instanceof StringType || o instanceof EnumType || o instanceof PatternType) return anyE || e.isAssignable(new StringType());
    if (o instanceof CollectionType) return anyE;
    if (o instanceof IntegerType) return o.min !== null && o.max !== null && (anyE || e.isAssignable(o));
    return false;
  }
  protected override params(): string[] {
    return resolve(this.element) === Any ? [] : [this.element.toString()];
  }
}

export const Iterable = new IterableType();

/** `Iterator[T]`: what reverse_each and step give without a lambda (PIterator), yielding Ts. */
export class IteratorType extends IterableType {
  override readonly name = 'Iterator';
  override isInstance(v: Value): boolean {
    return v instanceof PIterator && super.isInstance(v);
  }
  override isAssignable(other: PType): boolean {
    const o = resolve(other);
    return o instanceof IteratorType && (resolve(this.element) === Any || this.element.isAssignable(o.element));
  }
}

export const Iterator = new IteratorType();

/** `Runtime[rt, name]`: an object of the implementation's language. Puppet code has none. */
export class RuntimeType extends PType {
  readonly name = 'Runtime';
  readonly runtime: string | undefined;
  readonly typeName: Value;
  constructor(runtime?: string, typeName?: Value) {
    super();
    this.runtime = runtime;
    this.typeName = typeName;
  }
  isInstance(_v: Value): boolean {
    return false;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (!(o instanceof RuntimeType)) return false;
    if (this.runtime === undefined) return true;
    return this.runtime === o.runtime && (this.typeName === undefined || String(this.typeName) === String(o.typeName));
  }
  protected override params(): string[] {
    if (this.runtime === undefined) return [];
    const show = (v: Value): string => (typeof v === 'string' ? quote(v) : Array.isArray(v) ? `[${v.map(show).join(', ')}]` : String(v));
    return [this.runtime, ...(this.typeName === undefined ? [] : [show(this.typeName)])];
  }
}

export const Runtime = new RuntimeType();
