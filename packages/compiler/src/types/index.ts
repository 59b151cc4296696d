// Puppet's type system: types are values (`Integer[1, 10]`, `Optional[String]`), tested against
// values (`=~`, typed parameters) and against each other (`<=`). One class per type family.
// Messages and string forms follow Puppet's so users recognise them.
import { capitalizeType } from '@kasper/catalog';
import { DEFAULT, PBinary, PRegexp, PSensitive, PTimestamp, hashGet, isType, NOT_FOUND, type Value } from '../values.ts';

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
}

function resolve(t: PType): PType {
  return t instanceof TypeAliasType ? resolve(t.resolved) : t;
}

// ---------------------------------------------------------------- the simple ones

class SimpleType extends PType {
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
    return o instanceof SimpleType && o.includes.length > 0 && o.includes.every((n) => this.includes.includes(n));
  }
}

const isScalar = (v: Value) => typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' ||
  typeof v === 'boolean' || v instanceof PRegexp;
const isScalarData = (v: Value) => typeof v === 'string' || typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean';
function isData(v: Value): boolean {
  if (v === undefined || isScalarData(v)) return true;
  if (Array.isArray(v)) return v.every(isData);
  if (v instanceof Map) return [...v].every(([k, x]) => typeof k === 'string' && isData(x));
  return false;
}
function isRichData(v: Value): boolean {
  if (v === undefined || isScalar(v) || v === DEFAULT || isType(v) || v instanceof PSensitive) return true;
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
export const RichData = new SimpleType('RichData', isRichData, [...SCALAR_DATA, 'Undef', 'Data', 'Scalar', 'Regexp', 'Default', 'Type', 'Sensitive', 'RichData']);
export const Iterable = new SimpleType('Iterable', (v) => typeof v === 'string' || Array.isArray(v) || v instanceof Map ||
  (v instanceof IntegerType) || typeof v === 'bigint', ['Array', 'Hash', 'String', 'Tuple', 'Struct', 'Collection', 'Iterable', 'Iterator']);
export const Iterator = new SimpleType('Iterator', () => false);
export const CatalogEntry = new SimpleType('CatalogEntry', (v) => v instanceof ResourceType || v instanceof ClassType, ['Resource', 'Class']);
export const Timespan = new SimpleType('Timespan', () => false);
export const Timestamp = new SimpleType('Timestamp', (v) => v instanceof PTimestamp);
export const SemVer = new SimpleType('SemVer', () => false);
export const SemVerRange = new SimpleType('SemVerRange', () => false);
export const Binary = new SimpleType('Binary', (v) => v instanceof PBinary);
export const Runtime = new SimpleType('Runtime', () => false);
export const ObjectT = new SimpleType('Object', () => false);
export const TypeSet = new SimpleType('TypeSet', () => false);
export const Error_ = new SimpleType('Error', () => false);
export const URI = new SimpleType('URI', () => false);
export const Init = new SimpleType('Init', () => true);

/** `Boolean`, and `Boolean[true]` as `type()` infers it for one value. */
export class BooleanType extends PType {
  readonly name = 'Boolean';
  readonly value: boolean | undefined;
  constructor(value?: boolean) {
    super();
    this.value = value;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'boolean' && (this.value === undefined || v === this.value);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    return o instanceof BooleanType && (this.value === undefined || o.value === this.value);
  }
  protected override params(): string[] {
    return this.value === undefined ? [] : [String(this.value)];
  }
}
export const BooleanT = new BooleanType();

// ---------------------------------------------------------------- ranges

type Bound = bigint | number;
function boundOf(v: Value, what: string, allowFloat: boolean): Bound | null {
  if (v === DEFAULT || v === undefined) return null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && allowFloat) return v;
  throw new Error(`${what} parameters must be Integer or default, got ${v}`);
}
const fmtBound = (b: Bound | null) => (b === null ? 'default' : typeof b === 'number' ? formatFloat(b) : String(b));

function rangeParams(min: Bound | null, max: Bound | null): string[] {
  if (min === null && max === null) return [];
  if (max === null) return [fmtBound(min)];
  return [fmtBound(min), fmtBound(max)];
}

export class IntegerType extends PType {
  readonly name = 'Integer';
  readonly min: bigint | null;
  readonly max: bigint | null;
  constructor(min: bigint | null = null, max: bigint | null = null) {
    super();
    this.min = min;
    this.max = max;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'bigint' && (this.min === null || v >= this.min) && (this.max === null || v <= this.max);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof IntegerType)) return false;
    return (this.min === null || (o.min !== null && o.min >= this.min)) && (this.max === null || (o.max !== null && o.max <= this.max));
  }
  protected override params(): string[] {
    return rangeParams(this.min, this.max);
  }
}

export class FloatType extends PType {
  readonly name = 'Float';
  readonly min: number | null;
  readonly max: number | null;
  constructor(min: number | null = null, max: number | null = null) {
    super();
    this.min = min;
    this.max = max;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'number' && (this.min === null || v >= this.min) && (this.max === null || v <= this.max);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof FloatType)) return false;
    return (this.min === null || (o.min !== null && o.min >= this.min)) && (this.max === null || (o.max !== null && o.max <= this.max));
  }
  protected override params(): string[] {
    return rangeParams(this.min, this.max);
  }
}

/** Size constraints shared by String, Collection, Array, Hash. */
class Size {
  readonly min: bigint | null;
  readonly max: bigint | null;
  constructor(min: bigint | null, max: bigint | null) {
    this.min = min;
    this.max = max;
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
const ANY_SIZE = new Size(null, null);

export class StringType extends PType {
  readonly name = 'String';
  readonly size: Size;
  /** Set for the inferred type of one string value: `String['abc']` is not written by users. */
  readonly value: string | undefined;
  constructor(size: Size = ANY_SIZE, value?: string) {
    super();
    this.size = size;
    this.value = value;
  }
  isInstance(v: Value): boolean {
    if (typeof v !== 'string') return false;
    if (this.value !== undefined) return v === this.value;
    return this.size.test([...v].length);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof StringType) {
      if (o.value !== undefined) return this.isInstance(o.value);
      return this.value === undefined && this.size.within(o.size);
    }
    if (o instanceof EnumType) return o.values.length > 0 && o.values.every((s) => this.isInstance(s));
    if (o instanceof PatternType) return this.size.unbounded && this.value === undefined;
    return false;
  }
  protected override params(): string[] {
    return this.size.params();
  }
}

export class EnumType extends PType {
  readonly name = 'Enum';
  readonly values: string[];
  readonly caseInsensitive: boolean;
  constructor(values: string[], caseInsensitive = false) {
    super();
    this.values = values;
    this.caseInsensitive = caseInsensitive;
  }
  isInstance(v: Value): boolean {
    if (typeof v !== 'string') return false;
    if (this.values.length === 0) return true;
    return this.caseInsensitive ? this.values.some((x) => x.toLowerCase() === v.toLowerCase()) : this.values.includes(v);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof EnumType) return this.values.length === 0 || o.values.every((s) => this.isInstance(s));
    if (o instanceof StringType && o.value !== undefined) return this.isInstance(o.value);
    return false;
  }
  protected override params(): string[] {
    const p = this.values.map(quote);
    if (this.caseInsensitive) p.push('true');
    return p;
  }
}

export class PatternType extends PType {
  readonly name = 'Pattern';
  readonly patterns: PRegexp[];
  constructor(patterns: PRegexp[]) {
    super();
    this.patterns = patterns;
  }
  isInstance(v: Value): boolean {
    return typeof v === 'string' && (this.patterns.length === 0 || this.patterns.some((p) => p.regexp.test(v)));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof PatternType) return this.patterns.length === 0 || o.patterns.every((p) => this.patterns.some((q) => q.pattern === p.pattern));
    if (o instanceof EnumType) return o.values.length > 0 && o.values.every((s) => this.isInstance(s));
    if (o instanceof StringType && o.value !== undefined) return this.isInstance(o.value);
    return this.patterns.length === 0 && o instanceof StringType;
  }
  protected override params(): string[] {
    return this.patterns.map((p) => p.toString());
  }
}

export class RegexpType extends PType {
  readonly name = 'Regexp';
  readonly pattern: PRegexp | null;
  constructor(pattern: PRegexp | null = null) {
    super();
    this.pattern = pattern;
  }
  isInstance(v: Value): boolean {
    return v instanceof PRegexp && (this.pattern === null || v.pattern === this.pattern.pattern);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    return o instanceof RegexpType && (this.pattern === null || o.pattern?.pattern === this.pattern.pattern);
  }
  protected override params(): string[] {
    return this.pattern ? [this.pattern.toString()] : [];
  }
}

// ---------------------------------------------------------------- collections

function sizeOf(v: Value): number {
  if (Array.isArray(v)) return v.length;
  if (v instanceof Map) return v.size;
  return -1;
}

export class CollectionType extends PType {
  readonly name = 'Collection';
  readonly size: Size;
  constructor(size: Size = ANY_SIZE) {
    super();
    this.size = size;
  }
  isInstance(v: Value): boolean {
    return (Array.isArray(v) || v instanceof Map) && this.size.test(sizeOf(v));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof CollectionType || o instanceof ArrayType || o instanceof HashType) return this.size.within(o.size);
    if (o instanceof TupleType || o instanceof StructType) return this.size.unbounded;
    return false;
  }
  protected override params(): string[] {
    return this.size.params();
  }
}

export class ArrayType extends PType {
  readonly name = 'Array';
  readonly element: PType;
  readonly size: Size;
  constructor(element: PType = Any, size: Size = ANY_SIZE) {
    super();
    this.element = element;
    this.size = size;
  }
  isInstance(v: Value): boolean {
    return Array.isArray(v) && this.size.test(v.length) && v.every((x) => this.element.isInstance(x));
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof ArrayType) return this.element.isAssignable(o.element) && this.size.within(o.size);
    if (o instanceof TupleType) return o.types.every((t) => this.element.isAssignable(t)) && this.size.within(o.size);
    return false;
  }
  protected override params(): string[] {
    const p: string[] = [];
    const anyElement = resolve(this.element) === Any;
    if (!anyElement || !this.size.unbounded) p.push(this.element.toString());
    return [...p, ...this.size.params()];
  }
}

export class HashType extends PType {
  readonly name = 'Hash';
  readonly key: PType;
  readonly value: PType;
  readonly size: Size;
  constructor(key: PType = Any, value: PType = Any, size: Size = ANY_SIZE) {
    super();
    this.key = key;
    this.value = value;
    this.size = size;
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof Map) || !this.size.test(v.size)) return false;
    for (const [k, x] of v) if (!this.key.isInstance(k) || !this.value.isInstance(x)) return false;
    return true;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof HashType) return this.key.isAssignable(o.key) && this.value.isAssignable(o.value) && this.size.within(o.size);
    if (o instanceof StructType) return o.entries.every((e) => this.key.isInstance(e.key) && this.value.isAssignable(e.type)) && this.size.unbounded;
    return false;
  }
  protected override params(): string[] {
    const anyKV = resolve(this.key) === Any && resolve(this.value) === Any;
    const p = anyKV && this.size.unbounded ? [] : [this.key.toString(), this.value.toString()];
    return [...p, ...this.size.params()];
  }
}

export class TupleType extends PType {
  readonly name = 'Tuple';
  readonly types: PType[];
  readonly size: Size;
  constructor(types: PType[], size?: Size) {
    super();
    this.types = types;
    this.size = size ?? new Size(BigInt(types.length), BigInt(types.length));
  }
  private explicitSize = false;
  static withSize(types: PType[], size: Size): TupleType {
    const t = new TupleType(types, size);
    t.explicitSize = true;
    return t;
  }
  typeAt(i: number): PType | undefined {
    return this.types[Math.min(i, this.types.length - 1)];
  }
  isInstance(v: Value): boolean {
    if (!Array.isArray(v) || !this.size.test(v.length)) return false;
    if (v.length < this.types.length && !this.explicitSize) return false;
    return v.every((x, i) => this.typeAt(i)?.isInstance(x) ?? false);
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (o instanceof TupleType) return o.types.length === this.types.length && o.types.every((t, i) => this.types[i].isAssignable(t));
    return false;
  }
  protected override params(): string[] {
    return [...this.types.map(String), ...(this.explicitSize ? this.size.params() : [])];
  }
}

export interface StructEntry {
  key: string;
  optional: boolean;
  type: PType;
}

export class StructType extends PType {
  readonly name = 'Struct';
  readonly entries: StructEntry[];
  constructor(entries: StructEntry[]) {
    super();
    this.entries = entries;
  }
  isInstance(v: Value): boolean {
    if (!(v instanceof Map)) return false;
    for (const k of v.keys()) if (typeof k !== 'string' || !this.entries.some((e) => e.key === k)) return false;
    for (const e of this.entries) {
      const x = v.has(e.key) ? v.get(e.key) : undefined;
      if (!v.has(e.key) && e.optional) continue;
      if (!e.type.isInstance(x)) return false;
    }
    return true;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (o instanceof VariantType) return o.types.every((t) => this.isAssignable(t));
    if (!(o instanceof StructType)) return false;
    return this.entries.every((e) => {
      const oe = o.entries.find((x) => x.key === e.key);
      return oe ? e.type.isAssignable(oe.type) : e.optional;
    }) && o.entries.every((oe) => this.entries.some((e) => e.key === oe.key));
  }
  protected override params(): string[] {
    const inner = this.entries.map((e) => `${e.optional && !(resolve(e.type) instanceof OptionalType) ? `Optional[${quote(e.key)}]` : quote(e.key)} => ${e.type}`);
    return [`{${inner.join(', ')}}`];
  }
  override get constrained(): boolean {
    return true;
  }
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
    return [this.type.toString()];
  }
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
    return resolve(this.type) === Any ? [] : [this.type.toString()];
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
    return resolve(other) instanceof CallableType;
  }
  protected override params(): string[] {
    return this.args;
  }
}

// ---------------------------------------------------------------- catalog types

/** `File`, `File['/x']`, `Resource['file', '/x']`: resource types and references. */
export class ResourceType extends PType {
  readonly name = 'Resource';
  /** Lower-case type name (`file`, `apt::source`), or undefined for `Resource` itself. */
  readonly typeName: string | undefined;
  readonly title: string | undefined;
  constructor(typeName?: string, title?: string) {
    super();
    this.typeName = typeName?.replace(/^::/, '').toLowerCase();
    this.title = title;
  }
  isInstance(_v: Value): boolean {
    return false;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    if (!(o instanceof ResourceType)) return o instanceof ClassType && this.typeName === undefined;
    if (this.typeName === undefined) return true;
    if (o.typeName !== this.typeName) return false;
    return this.title === undefined || o.title === this.title;
  }
  override toString(): string {
    if (this.typeName === undefined) return 'Resource';
    const t = capitalizeType(this.typeName);
    return this.title === undefined ? t : `${t}[${this.title}]`;
  }
  override get constrained(): boolean {
    return this.typeName !== undefined;
  }
}

/** `Class`, `Class['foo']`, `Class[foo]`. */
export class ClassType extends PType {
  readonly name = 'Class';
  readonly className: string | undefined;
  constructor(className?: string) {
    super();
    this.className = className?.replace(/^::/, '').toLowerCase();
  }
  isInstance(_v: Value): boolean {
    return false;
  }
  isAssignable(other: PType): boolean {
    const o = resolve(other);
    return o instanceof ClassType && (this.className === undefined || o.className === this.className);
  }
  override toString(): string {
    return this.className === undefined ? 'Class' : `Class[${capitalizeType(this.className)}]`;
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
  isInstance(v: Value): boolean {
    return this.resolved.isInstance(v);
  }
  isAssignable(other: PType): boolean {
    return this.resolved.isAssignable(other);
  }
  override get constrained(): boolean {
    return true;
  }
}

// ---------------------------------------------------------------- names and parameters

const BY_NAME: Record<string, () => PType> = {
  Any: () => Any, Undef: () => Undef, Default: () => Default, Boolean: () => new BooleanType(), Unit: () => Unit,
  Numeric: () => Numeric, Scalar: () => Scalar, ScalarData: () => ScalarData, Data: () => Data, RichData: () => RichData,
  Integer: () => new IntegerType(), Float: () => new FloatType(), String: () => new StringType(),
  Enum: () => new EnumType([]), Pattern: () => new PatternType([]), Regexp: () => new RegexpType(),
  Collection: () => new CollectionType(), Array: () => new ArrayType(), Hash: () => new HashType(),
  Tuple: () => new TupleType([], new Size(0n, null)), Struct: () => new StructType([]),
  Optional: () => new OptionalType(Any), NotUndef: () => new NotUndefType(), Variant: () => new VariantType([]),
  Sensitive: () => new SensitiveType(), Type: () => new TypeType(), Callable: () => new CallableType(),
  Resource: () => new ResourceType(), Class: () => new ClassType(), CatalogEntry: () => CatalogEntry,
  Iterable: () => Iterable, Iterator: () => Iterator, Timespan: () => Timespan, Timestamp: () => Timestamp,
  SemVer: () => SemVer, SemVerRange: () => SemVerRange, Binary: () => Binary, Runtime: () => Runtime,
  Object: () => ObjectT, TypeSet: () => TypeSet, Error: () => Error_, URI: () => URI, Init: () => Init,
};

/** A built-in type by its name (`Integer`), or undefined for resource types and aliases. */
export function typeByName(name: string): PType | undefined {
  const make = BY_NAME[name.replace(/^::/, '')];
  return make ? make() : undefined;
}

function asType(v: Value, what: string): PType {
  if (isType(v)) return v;
  // A string names a resource type in Resource['file'] and is a literal in Enum; elsewhere an error.
  throw new Error(`${what} expects a Type, got ${formatValue(v)}`);
}

function intArg(v: Value, what: string): bigint | null {
  return boundOf(v, what, false) as bigint | null;
}

/** Applies `[...]` to a type: `Integer[1, 10]`, `File['/x']`, `Optional[String]`. */
export function parameterize(t: PType, args: Value[]): Value {
  const name = t.name;
  const a = args.length === 1 && Array.isArray(args[0]) && (name === 'Resource' || name === 'Class') ? args[0] : args;
  switch (name) {
    case 'Boolean':
      return new BooleanType(typeof a[0] === 'boolean' ? a[0] : undefined);
    case 'Integer': {
      const [lo, hi] = [intArg(a[0], 'Integer'), a.length > 1 ? intArg(a[1], 'Integer') : null];
      return new IntegerType(lo, hi);
    }
    case 'Float': {
      const f = (v: Value) => { const b = boundOf(v, 'Float', true); return b === null ? null : Number(b); };
      return new FloatType(f(a[0]), a.length > 1 ? f(a[1]) : null);
    }
    case 'String':
      return new StringType(new Size(intArg(a[0], 'String'), a.length > 1 ? intArg(a[1], 'String') : null));
    case 'Collection':
      return new CollectionType(new Size(intArg(a[0], 'Collection'), a.length > 1 ? intArg(a[1], 'Collection') : null));
    case 'Enum': {
      const ci = a.length > 0 && typeof a[a.length - 1] === 'boolean';
      const vals = (ci ? a.slice(0, -1) : a).flat() as Value[];
      return new EnumType(vals.map((v) => { if (typeof v !== 'string') throw new Error(`Enum parameters must be String, got ${formatValue(v)}`); return v; }), ci && a[a.length - 1] === true);
    }
    case 'Pattern':
      return new PatternType(a.flat().map((v) => {
        if (v instanceof PRegexp) return v;
        if (typeof v === 'string') return new PRegexp(v);
        if (v instanceof PatternType) return v.patterns[0];
        if (v instanceof RegexpType && v.pattern) return v.pattern;
        throw new Error(`Pattern parameters must be regular expressions or strings, got ${formatValue(v)}`);
      }));
    case 'Regexp': {
      const v = a[0];
      return new RegexpType(v instanceof PRegexp ? v : typeof v === 'string' ? new PRegexp(v) : null);
    }
    case 'Array': {
      if (a.length === 0) return new ArrayType();
      if (typeof a[0] === 'bigint' || a[0] === DEFAULT) return new ArrayType(Any, new Size(intArg(a[0], 'Array'), a.length > 1 ? intArg(a[1], 'Array') : null));
      return new ArrayType(asType(a[0], 'Array'), new Size(a.length > 1 ? intArg(a[1], 'Array') : null, a.length > 2 ? intArg(a[2], 'Array') : null));
    }
    case 'Hash': {
      if (a.length === 0) return new HashType();
      if (typeof a[0] === 'bigint' || a[0] === DEFAULT) return new HashType(Any, Any, new Size(intArg(a[0], 'Hash'), a.length > 1 ? intArg(a[1], 'Hash') : null));
      if (a.length === 1) throw new Error('Hash-Type[] accepts 2 to 4 arguments. Got 1');
      return new HashType(asType(a[0], 'Hash'), asType(a[1], 'Hash'), new Size(a.length > 2 ? intArg(a[2], 'Hash') : null, a.length > 3 ? intArg(a[3], 'Hash') : null));
    }
    case 'Tuple': {
      const types: PType[] = [];
      const ints: Value[] = [];
      for (const v of a) (isType(v) ? types.push(v) : ints.push(v));
      if (ints.length === 0) return new TupleType(types);
      const min = intArg(ints[0], 'Tuple');
      const max = ints.length > 1 ? intArg(ints[1], 'Tuple') : null;
      return TupleType.withSize(types, new Size(min, max));
    }
    case 'Struct': {
      const h = a[0];
      if (!(h instanceof Map)) throw new Error(`Struct expects a Hash of keys to types, got ${formatValue(h)}`);
      const entries: StructEntry[] = [];
      for (const [k, v] of h) {
        let key: string;
        let optional = false;
        if (typeof k === 'string') key = k;
        else if (k instanceof OptionalType && k.type instanceof StringType && k.type.value !== undefined) { key = k.type.value; optional = true; }
        else if (k instanceof EnumType && k.values.length === 1) key = k.values[0];
        else if (k instanceof OptionalType && k.type instanceof EnumType && k.type.values.length === 1) { key = k.type.values[0]; optional = true; }
        else if (k instanceof NotUndefType && k.type instanceof StringType && k.type.value !== undefined) key = k.type.value;
        else throw new Error(`Struct keys must be strings, got ${formatValue(k)}`);
        const type = asType(v, 'Struct');
        if (!optional && type.isInstance(undefined)) optional = true;
        entries.push({ key, optional, type });
      }
      return new StructType(entries);
    }
    case 'Optional': {
      const v = a[0];
      if (typeof v === 'string') return new OptionalType(new StringType(ANY_SIZE, v));
      return new OptionalType(asType(v, 'Optional'));
    }
    case 'NotUndef': {
      const v = a[0];
      if (typeof v === 'string') return new NotUndefType(new StringType(ANY_SIZE, v));
      return new NotUndefType(a.length ? asType(v, 'NotUndef') : Any);
    }
    case 'Variant':
      return new VariantType(a.map((v) => asType(v, 'Variant')));
    case 'Sensitive':
      return new SensitiveType(a.length ? asType(a[0], 'Sensitive') : Any);
    case 'Type':
      return new TypeType(a.length ? asType(a[0], 'Type') : Any);
    case 'Callable':
      return new CallableType(a.map((v) => formatValue(v)));
    case 'Resource': {
      const r = t as ResourceType;
      if (r.typeName === undefined) {
        // Resource['file'], Resource['file', '/x'], Resource[File]
        const first = a[0];
        const typeName = typeof first === 'string' ? first : first instanceof ResourceType ? first.typeName : undefined;
        if (!typeName) throw new Error(`Resource[] expects a type name, got ${formatValue(first)}`);
        if (a.length === 1) return new ResourceType(typeName);
        return titles(typeName, a.slice(1));
      }
      if (r.title !== undefined) throw new Error(`Cannot specialize an already specialized resource type: ${r}`);
      return titles(r.typeName, a);
    }
    case 'Class': {
      const c = t as ClassType;
      if (c.className !== undefined) throw new Error(`Cannot specialize an already specialized Class type: ${c}`);
      const names = a.flat().map((v) => {
        if (typeof v === 'string') return v;
        if (v instanceof ClassType && v.className) return v.className;
        throw new Error(`Class[] expects class names, got ${formatValue(v)}`);
      });
      return names.length === 1 ? new ClassType(names[0]) : names.map((n) => new ClassType(n));
    }
    default:
      if (t instanceof TypeAliasType) return parameterize(t.resolved, args);
      throw new Error(`${name}-Type[] does not accept parameters`);
  }
}

function titles(typeName: string, args: Value[]): Value {
  const list = args.flat(Infinity as 1) as Value[];
  const refs = list.map((v) => {
    if (typeof v !== 'string') throw new Error(`A resource title must be a String, got ${formatValue(v)}`);
    return new ResourceType(typeName, v);
  });
  return refs.length === 1 ? refs[0] : refs;
}

export function resourceType(typeName?: string, title?: string): PType {
  return new ResourceType(typeName, title);
}

export function classType(className?: string): PType {
  return new ClassType(className);
}

// ---------------------------------------------------------------- inference

/** The most specific type of a value, as Puppet's `type()` gives it. */
export function inferType(v: Value): PType {
  if (v === undefined) return Undef;
  if (typeof v === 'string') return new StringType(ANY_SIZE, v);
  if (typeof v === 'bigint') return new IntegerType(v, v);
  if (typeof v === 'number') return new FloatType(v, v);
  if (typeof v === 'boolean') return new BooleanType(v);
  if (v === DEFAULT) return Default;
  if (v instanceof PRegexp) return new RegexpType(v);
  if (v instanceof PSensitive) return new SensitiveType(inferType(v.value));
  if (isType(v)) return new TypeType(v);
  if (Array.isArray(v)) {
    if (v.length === 0) return new ArrayType(Unit, new Size(0n, 0n));
    return new TupleType(v.map(inferType));
  }
  if (v instanceof Map) {
    if (v.size === 0) return new HashType(Unit, Unit, new Size(0n, 0n));
    if ([...v.keys()].every((k) => typeof k === 'string')) {
      return new StructType([...v].map(([k, x]) => ({ key: k as string, optional: false, type: inferType(x) })));
    }
    return new HashType(commonType([...v.keys()].map(inferType)), commonType([...v.values()].map(inferType)), new Size(BigInt(v.size), BigInt(v.size)));
  }
  if (typeof v === 'function') return new CallableType();
  return Any;
}

/** The type without value-specific detail: `String` for `String[3, 3]`. */
export function generalize(t: PType): PType {
  const r = t;
  if (r instanceof IntegerType) return new IntegerType();
  if (r instanceof FloatType) return new FloatType();
  if (r instanceof StringType) return new StringType();
  if (r instanceof BooleanType) return BooleanT;
  if (r instanceof ArrayType) return new ArrayType(generalize(r.element));
  if (r instanceof TupleType) return new ArrayType(commonType(r.types.map(generalize)));
  if (r instanceof HashType) return new HashType(generalize(r.key), generalize(r.value));
  if (r instanceof StructType) return new HashType(new StringType(), commonType(r.entries.map((e) => generalize(e.type))));
  if (r instanceof SensitiveType) return new SensitiveType(generalize(r.type));
  return r;
}

function commonType(types: PType[]): PType {
  if (types.length === 0) return Unit;
  const first = generalize(types[0]);
  if (types.every((t) => generalize(t).toString() === first.toString())) return first;
  if (types.every((t) => t instanceof IntegerType || t instanceof FloatType)) return Numeric;
  if (types.every((t) => isScalarType(t))) return Scalar;
  if (types.every((t) => isDataType(t))) return Data;
  return RichData;
}
const isScalarType = (t: PType) => t instanceof IntegerType || t instanceof FloatType || t instanceof StringType || t instanceof BooleanType || t instanceof RegexpType;
const isDataType = (t: PType): boolean => isScalarType(t) || t === Undef || t instanceof ArrayType || t instanceof TupleType || t instanceof HashType || t instanceof StructType;

// ---------------------------------------------------------------- mismatch messages

function article(s: string): string {
  return /^[AEIOU]/.test(s) ? `an ${s}` : `a ${s}`;
}

function expectedName(t: PType): string {
  if (t instanceof TypeAliasType) return `${t.name} = ${t.resolved}`;
  return t.toString();
}

/** What was given, in the detail the expected type makes relevant. */
function actualName(expected: PType, v: Value): string {
  const e = resolve(expected);
  const inferred = inferType(v);
  const detailed = (e instanceof IntegerType || e instanceof FloatType) && e.constrained;
  if (detailed) return inferred.toString();
  if (e instanceof StringType && e.constrained && typeof v === 'string') return inferred.toString();
  if ((e instanceof ArrayType || e instanceof HashType || e instanceof CollectionType) && e.size && !e.size.unbounded && sizeOf(v) >= 0) {
    return `${generalize(inferred).name} with ${sizeOf(v)} ${Array.isArray(v) ? 'elements' : 'entries'}`;
  }
  const g = generalize(inferred);
  return v === undefined ? 'Undef' : g.name === 'Array' || g.name === 'Hash' ? g.toString() : g.name;
}

/** A value's type by name alone, as function errors name what they were given: String, Array, Undef. */
export function typeNameOf(v: Value): string {
  return v === undefined ? 'Undef' : generalize(inferType(v)).name;
}

/**
 * Why a function's argument does not match its parameter's type: as describeMismatch, with what
 * was given named by its type's name alone ("got Array", not "got Array[Integer]").
 */
export function describeArgumentMismatch(expected: PType, v: Value): string {
  return describeMismatch(expected, v, typeNameOf(v));
}

/**
 * Why `v` is not an instance of `expected`, in Puppet's words: "expects an Integer value, got
 * String", "index 1 expects …", "entry 'k' expects …", "expects a match for Enum['a'], got 'b'".
 * `given` names what was given instead of the detail the expected type makes relevant.
 */
export function describeMismatch(expected: PType, v: Value, given?: string): string {
  const e = resolve(expected);
  // Look inside collections to point at the element that is wrong.
  if (e instanceof ArrayType && Array.isArray(v) && e.size.test(v.length)) {
    const i = v.findIndex((x) => !e.element.isInstance(x));
    if (i >= 0) return `index ${i} ${describeMismatch(e.element, v[i])}`;
  }
  if (e instanceof TupleType && Array.isArray(v) && e.size.test(v.length)) {
    const i = v.findIndex((x, j) => !(e.typeAt(j)?.isInstance(x) ?? false));
    if (i >= 0) return `index ${i} ${describeMismatch(e.typeAt(i)!, v[i])}`;
  }
  if (e instanceof HashType && v instanceof Map && e.size.test(v.size)) {
    for (const [k, x] of v) {
      if (!e.key.isInstance(k)) return `key '${formatValue(k)}' ${describeMismatch(e.key, k)}`;
      if (!e.value.isInstance(x)) return `entry '${formatValue(k)}' ${describeMismatch(e.value, x)}`;
    }
  }
  if (e instanceof StructType && v instanceof Map) {
    for (const k of v.keys()) {
      if (typeof k !== 'string' || !e.entries.some((x) => x.key === k)) return `unrecognized key '${formatValue(k)}'`;
    }
    for (const entry of e.entries) {
      if (!v.has(entry.key)) {
        if (!entry.optional) return `expects a value for key '${entry.key}'`;
        continue;
      }
      const x = hashGet(v, entry.key);
      if (x !== NOT_FOUND && !entry.type.isInstance(x)) return `entry '${entry.key}' ${describeMismatch(entry.type, x)}`;
    }
  }
  if (e instanceof OptionalType && v !== undefined) return describeMismatch(e.type, v, given);
  if (e instanceof EnumType || e instanceof PatternType) {
    if (typeof v === 'string') return `expects a match for ${expectedName(expected)}, got '${v}'`;
  }
  if (e instanceof VariantType) {
    const names = e.types.map((t) => expectedName(t));
    const list = names.length <= 2 ? names.join(' or ') : `${names.slice(0, -1).join(', ')}, or ${names[names.length - 1]}`;
    return `expects a value of type ${list}, got ${given ?? actualName(e, v)}`;
  }
  return `expects ${article(expectedName(expected))} value, got ${given ?? actualName(expected, v)}`;
}

/** How errors name a value: "undef", "a String ('x')". */
export function describe(v: Value): string {
  if (v === undefined) return 'undef';
  try {
    const t = inferType(v);
    return `a ${t.name} ('${formatValue(v)}')`;
  } catch {
    return `'${String(v)}'`;
  }
}

// ---------------------------------------------------------------- string forms

function formatFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  if (!Number.isFinite(n)) return String(n);
  const s = String(n);
  // Ruby prints 1.0e+20 where JavaScript prints 1e+20.
  return s.replace(/^(-?\d+)e/, '$1.0e');
}

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * A value as Puppet turns it into a string: in interpolation, `notice`, `join`. Collections print
 * their elements the same way, without quotes (`[1, two, {k => v}]`), and undef is empty.
 */
export function formatValue(v: Value): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return formatFloat(v);
  if (typeof v === 'boolean') return String(v);
  if (v === DEFAULT) return 'default';
  if (v instanceof PRegexp) return v.toString();
  if (v instanceof PSensitive) return v.toString();
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x)).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatValue(k)} => ${formatValue(x)}`).join(', ')}}`;
  return String(v);
}
