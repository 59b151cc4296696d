// The base of the type system: PType, the simple types (Any, Undef, Numeric, Data …), the
// combinators (Optional, NotUndef, Variant, Sensitive, Type, Callable), type aliases, and the
// size and range parameters the other types share. It imports none of the other files.
import { DEFAULT, PBinary, PDeferred, PObject, PRegexp, PSemVer, PSemVerRange, PSensitive, PTimespan, PTimestamp, PURI, isType, type Value } from '../values.ts';
import { raise } from '../messages.ts';

export abstract class PType {
  readonly isType = true as const;
  abstract readonly name: string;
  abstract isInstance(v: Value): boolean;
  /** Whether every instance of `other` is an instance of this type. */
  abstract isAssignable(other: PType): boolean;
  /** Parameters as Puppet prints them; empty when all are defaults. */
  protected params(): string[] {
    return [];
  }
  toString(): string {
    const p = this.params();
    return p.length ? `${this.name}[${p.join(', ')}]` : this.name;
  }
  /** Types are equal when each accepts everything the other does. */
  equals(other: PType): boolean {
    if (resolve(this).toString() === resolve(other).toString()) return true;
    return this.isAssignable(other) && other.isAssignable(this);
  }
  /** Whether the type carries constraints worth showing when a value does not match. */
  get constrained(): boolean {
    return this.params().length > 0;
  }
  /**
   * For a collection type, the types of its keys and of its elements (a Struct's keys are
   * strings), so Data and RichData can tell whether every instance is data; undefined otherwise.
   */
  collectionParts(): { keys: PType[] | 'strings'; values: PType[] } | undefined {
    return undefined;
  }
}

export function resolve(t: PType): PType {
  return t instanceof TypeAliasType ? resolve(t.resolved) : t;
}

// ---------------------------------------------------------------- the simple ones

export class SimpleType extends PType {
  readonly name: string;
  private readonly test: (v: Value) => boolean;
  private readonly includes: string[];
  constructor(name: string, test: (v: Value) => boolean, includes: string[] = []) {
    super();
    this.name = name;
    this.test = test;
    this.includes = includes;
  }
  isInstance(v: Value): boolean {
    return this.test(v);
  }
  isAssignable(other: PType): boolean {
    // Any and Unit (`*`) take every type.
    if (this.includes[0] === '*') return true;
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof OptionalType) return this.isInstance(undefined) && this.isAssignable(o.type);
    if (o.name === this.name || this.includes.includes(o.name)) return true;
    if (o instanceof SimpleType) return o.includes.length > 0 && o.includes.every((n) => this.includes.includes(n));
    // Data is Variant[ScalarData, Undef, Hash[String, Data], Array[Data]] and RichData the same
    // with Hash[Variant[String, Numeric], RichData]: a collection type whose keys and elements fit.
    const keyNames = this.name === 'Data' ? STRING_KEYS : this.name === 'RichData' ? RICH_KEYS : undefined;
    const parts = keyNames && o.collectionParts();
    if (!keyNames || !parts) return false;
    return (parts.keys === 'strings' || parts.keys.every((k) => keyFits(k, keyNames))) && parts.values.every((v) => this.isAssignable(v));
  }
}

const STRING_KEYS = ['String', 'Enum', 'Pattern'];
const RICH_KEYS = [...STRING_KEYS, 'Integer', 'Float', 'Numeric'];
function keyFits(t: PType, names: string[]): boolean {
  const k = resolve(t);
  if (k instanceof VariantType) return k.types.every((x) => keyFits(x, names));
  return names.includes(k.name);
}

// A SemVer is a Scalar in Puppet (a Ruby Numeric), and so, by Puppet 7's answer, is a SemVerRange.
const isScalar = (v: Value) => typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' ||
  typeof v === 'boolean' || v instanceof PRegexp || v instanceof PSemVer || v instanceof PSemVerRange;
const isScalarData = (v: Value) => typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';
function isData(v: Value): boolean {
  if (v === undefined || isScalarData(v)) return true;
  if (Array.isArray(v)) return v.every(isData);
  if (v instanceof Map) return [...v].every(([k, x]) => typeof k === 'string' && isData(x));
  return false;
}
function isRichData(v: Value): boolean {
  if (v === undefined || isScalar(v) || v === DEFAULT || isType(v) || v instanceof PSensitive || v instanceof PDeferred) return true;
  if (v instanceof PBinary || v instanceof PURI || v instanceof PObject || v instanceof PTimespan || v instanceof PTimestamp) return true;
  if (Array.isArray(v)) return v.every(isRichData);
  if (v instanceof Map) return [...v].every(([k, x]) => isRichData(k) && isRichData(x));
  return false;
}

export const Any = new SimpleType('Any', () => true, ['*']);
export const Undef = new SimpleType('Undef', (v) => v === undefined);
export const Default = new SimpleType('Default', (v) => v === DEFAULT);
export const Unit = new SimpleType('Unit', () => true, ['*']);
const NUMBERS = ['Integer', 'Float', 'Numeric'];
const SCALAR_DATA = [...NUMBERS, 'String', 'Boolean', 'Enum', 'Pattern', 'ScalarData'];
export const Numeric = new SimpleType('Numeric', (v) => typeof v === 'bigint' || typeof v === 'number', NUMBERS);
export const ScalarData = new SimpleType('ScalarData', isScalarData, SCALAR_DATA);
export const Scalar = new SimpleType('Scalar', isScalar, [...SCALAR_DATA, 'Regexp', 'Scalar']);
export const Data = new SimpleType('Data', isData, [...SCALAR_DATA, 'Undef', 'Data']);
export const RichData = new SimpleType('RichData', isRichData, [...SCALAR_DATA, 'Undef', 'Data', 'Scalar', 'Regexp', 'Default', 'Type', 'Sensitive', 'RichData', 'Object', 'Deferred', 'SemVer', 'SemVerRange', 'Binary', 'URI', 'Timespan', 'Timestamp', 'Error']);

/** Timespan and Timestamp, optionally bounded: `Timespan['1-00:00:00', '2-00:00:00']`. Values live in time.ts. */
export class TimeType extends PType {
  readonly name: 'Timespan' | 'Timestamp';
  readonly min: bigint | null;
  readonly max: bigint | null;
  constructor(name: 'Timespan' | 'Timestamp', min: bigint | null = null, max: bigint | null = null) {
    super();
    this.name = name;
    this.min = min;
    this.max = max;
  }
  isInstance(v: Value): boolean {
    if (!(this.name === 'Timespan' ? v instanceof PTimespan : v instanceof PTimestamp)) return false;
    const ns = (v as PTimespan | PTimestamp).ns;
    return (this.min === null || ns >= this.min) && (this.max === null || ns <= this.max);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof TimeType) || o.name !== this.name) return false;
    return (this.min === null || (o.min !== null && o.min >= this.min)) && (this.max === null || (o.max !== null && o.max <= this.max));
  }
  protected override params(): string[] {
    if (this.min === null && this.max === null) return [];
    const show = (ns: bigint | null) => ns === null ? 'default' : `'${String(this.name === 'Timespan' ? new PTimespan(ns) : new PTimestamp(ns))}'`;
    return this.max === null || this.max === this.min ? [show(this.min)] : [show(this.min), show(this.max)];
  }
}
export const Timespan = new TimeType('Timespan');
export const Timestamp = new TimeType('Timestamp');
export const TypeSet = new SimpleType('TypeSet', () => false);

// ---------------------------------------------------------------- sizes and ranges

export type Bound = bigint | number;
export function boundOf(v: Value, what: string, allowFloat: boolean): Bound | null {
  if (v === DEFAULT || v === undefined) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && allowFloat) return v;
  throw raise('KSP-TYPE-001', { type: what, value: v });
}
const fmtBound = (b: Bound | null) => (b === null ? 'default' : typeof b === 'number' ? formatFloat(b) : String(b));

export function rangeParams(min: Bound | null, max: Bound | null): string[] {
  if (min === null && max === null) return [];
  if (max === null) return [fmtBound(min)];
  return [fmtBound(min), fmtBound(max)];
}

/** Size constraints shared by String, Collection, Array, Hash. */
export class Size {
  readonly min: bigint | null;
  readonly max: bigint | null;
  constructor(min: bigint | null, max: bigint | null) {
    // A size below zero is zero, as Puppet makes it (String[-1] is String[0]), and then the
    // lower bound may not pass the upper.
    this.min = min !== null && min < 0n ? 0n : min;
    this.max = max !== null && max < 0n ? 0n : max;
    if (this.min !== null && this.max !== null && this.min > this.max) throw raise('KSP-TYPE-016', { from: String(this.min), to: String(this.max) });
  }
  test(n: number): boolean {
    return (this.min === null || BigInt(n) >= this.min) && (this.max === null || BigInt(n) <= this.max);
  }
  within(o: Size): boolean {
    const omin = o.min ?? 0n;
    return (this.min === null || omin >= this.min) && (this.max === null || (o.max !== null && o.max <= this.max));
  }
  get unbounded(): boolean {
    return this.min === null && this.max === null;
  }
  params(): string[] {
    return rangeParams(this.min, this.max);
  }
}
export const ANY_SIZE = new Size(null, null);

export function sizeOf(v: Value): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  return -1;
}

// ---------------------------------------------------------------- combinators

export class OptionalType extends PType {
  readonly name = 'Optional';
  readonly type: PType;
  constructor(type: PType) {
    super();
    this.type = type;
  }
  isInstance(v: Value): boolean {
    return v === undefined || this.type.isInstance(v);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o === Undef) return true;
    if (o instanceof OptionalType) return this.type.isAssignable(o.type);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    return this.type.isAssignable(o);
  }
  protected override params(): string[] {
    return [innerParam(this.type)];
  }
}

/**
 * How Optional and NotUndef print what they wrap: a string they were given stays the string
 * (`Optional['a']`, as Puppet prints it), a type prints as itself.
 */
function innerParam(t: PType): string {
  const v = t.name === 'String' ? (t as PType & { value?: string }).value : undefined;
  return v === undefined ? t.toString() : quote(v);
}

export class NotUndefType extends PType {
  readonly name = 'NotUndef';
  readonly type: PType;
  constructor(type: PType = Any) {
    super();
    this.type = type;
  }
  isInstance(v: Value): boolean {
    return v !== undefined && this.type.isInstance(v);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    return !o.isInstance(undefined) && this.type.isAssignable(o);
  }
  protected override params(): string[] {
    return resolve(this.type) === Any ? [] : [innerParam(this.type)];
  }
}

export class VariantType extends PType {
  readonly name = 'Variant';
  readonly types: PType[];
  constructor(types: PType[]) {
    super();
    this.types = types;
  }
  isInstance(v: Value): boolean {
    return this.types.some((t) => t.isInstance(v));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof OptionalType) return this.isInstance(undefined) && this.isAssignable(o.type);
    return this.types.some((t) => t.isAssignable(o));
  }
  protected override params(): string[] {
    return this.types.map(String);
  }
}

export class SensitiveType extends PType {
  readonly name = 'Sensitive';
  readonly type: PType;
  constructor(type: PType = Any) {
    super();
    this.type = type;
  }
  isInstance(v: Value): boolean {
    return v instanceof PSensitive && this.type.isInstance(v.value);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    return o instanceof SensitiveType && this.type.isAssignable(o.type);
  }
  protected override params(): string[] {
    return resolve(this.type) === Any ? [] : [this.type.toString()];
  }
}

/** The pattern a Deferred's function name must match (`$` first: a variable read on the agent). */
export const DEFERRED_NAME = '\\A[$]?[a-z][a-z0-9_]*(?:::[a-z][a-z0-9_]*)*\\z';

/**
 * `Deferred`: Puppet's Object type for a function call made by the agent (values are PDeferred).
 * Puppet prints it as the Object type it is, attributes included.
 */
export class DeferredType extends PType {
  readonly name = 'Deferred';
  isInstance(v: Value): boolean {
    return v instanceof PDeferred;
  }
  isAssignable(other: PType): boolean {
    return resolve(other) instanceof DeferredType;
  }
  override toString(): string {
    return `Object[{name => 'Deferred', attributes => {'name' => Pattern[/${DEFERRED_NAME}/], 'arguments' => {type => Optional[Array], value => undef}}}]`;
  }
}

/** `Type[T]`: the type of types. */
export class TypeType extends PType {
  readonly name = 'Type';
  readonly type: PType;
  constructor(type: PType = Any) {
    super();
    this.type = type;
  }
  isInstance(v: Value): boolean {
    return isType(v) && this.type.isAssignable(v);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    return o instanceof TypeType && this.type.isAssignable(o.type);
  }
  protected override params(): string[] {
    return resolve(this.type) === Any ? [] : [this.type.toString()];
  }
}

/** `Callable`: a lambda or function. Kasper does not check signatures statically. */
export class CallableType extends PType {
  readonly name = 'Callable';
  readonly args: string[];
  constructor(args: string[] = []) {
    super();
    this.args = args;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'function';
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    // A Callable with parameters takes only one with the same parameters (bare Callable is any).
    return o instanceof CallableType && (this.args.length === 0 || o.args.join(',') === this.args.join(','));
  }
  protected override params(): string[] {
    return this.args;
  }
}

/** A type alias from a module (`type Net::Port = Integer[1, 65535]`), resolved on first use. */
export class TypeAliasType extends PType {
  readonly name: string;
  private readonly resolver: () => PType;
  private target: PType | undefined;
  private resolving = false;
  constructor(name: string, resolver: () => PType) {
    super();
    this.name = name;
    this.resolver = resolver;
  }
  /** While its definition is being evaluated (an alias met again then refers to itself). */
  get isResolving(): boolean {
    return this.resolving;
  }
  get resolved(): PType {
    if (!this.target) {
      // A self-referencing alias (`type Tree = Array[Variant[String, Tree]]`) sees Any while resolving.
      if (this.resolving) return Any;
      this.resolving = true;
      try {
        this.target = this.resolver();
      } finally {
        this.resolving = false;
      }
    }
    return this.target;
  }
  // A recursive alias (`type T = Variant[Integer, T]`) meets itself again with the same value
  // when nothing in between took it apart: that path matches nothing (and, for assignability,
  // adds nothing to what the other paths decide), instead of recursing without end.
  private readonly checking = new Set<unknown>();
  isInstance(v: Value): boolean {
    if (this.checking.has(v)) return false;
    this.checking.add(v);
    try {
      return this.resolved.isInstance(v);
    } finally {
      this.checking.delete(v);
    }
  }
  isAssignable(other: PType): boolean {
    if (other === this) return true;
    if (this.checking.has(other)) return true;
    this.checking.add(other);
    try {
      return this.resolved.isAssignable(other);
    } finally {
      this.checking.delete(other);
    }
  }
  override get constrained(): boolean {
    return true;
  }
}

// ---------------------------------------------------------------- string forms

/**
 * A Float as Ruby prints it: the shortest digits that read back the same, with `.0` when whole,
 * and in exponent form (`1.0e+20`, `1.0e-05`) below 0.0001 and from 1e16 up.
 */
export function formatFloat(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exponent] = n.toExponential().split('e');
    const e = Number(exponent);
    return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (Number.isInteger(n)) return `${Object.is(n, -0) ? '-0' : n}.0`;
  return String(n);
}

export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
