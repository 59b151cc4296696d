// What the type system says about values: the type of a value (inference, generalization), why
// a value does not match a type (Puppet's "expects … got …"), and values as strings.
import { DEFAULT, PBinary, PDeferred, PIterator, PObject, PRegexp, PSemVer, PSemVerRange, PSensitive, PTimespan, PTimestamp, PURI, hashGet, isType, NOT_FOUND, type Value } from '../values.ts';
import { ANY_SIZE, Any, CallableType, Data, Default, DeferredType, Numeric, OptionalType, PType, RichData, Scalar, ScalarData, SensitiveType, Size, TimeType, TypeAliasType, TypeType, Undef, Unit, VariantType, formatFloat, quote, resolve, sizeOf } from './base.ts';
import { BooleanT, BooleanType, EnumType, FloatType, IntegerType, PatternType, RegexpType, StringType } from './scalars.ts';
import { ArrayType, CollectionType, HashType, StructType, TupleType } from './collections.ts';
import { ClassType, ResourceType } from './catalog.ts';
import { Binary, IteratorType, SemVerRange, SemVerType, URIType } from './rich.ts';
import { ERROR_TYPE, ErrorParamType, setConstantTest, shownAttributes, setQuotedFormatter } from './objects.ts';
import { capitalizeType } from '@kasper/catalog';

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
  if (v instanceof PDeferred) return new DeferredType();
  if (v instanceof PTimespan) return new TimeType('Timespan', v.ns, v.ns);
  if (v instanceof PTimestamp) return new TimeType('Timestamp', v.ns, v.ns);
  if (v instanceof PSemVer) return new SemVerType([PSemVerRange.between(v, v, false)]);
  if (v instanceof PSemVerRange) return SemVerRange;
  if (v instanceof PBinary) return Binary;
  if (v instanceof PURI) return URIType.fromUri(v);
  if (v instanceof PIterator) return new IteratorType(variantOf(v.source.map(inferType)));
  if (v instanceof PObject) return v.type === ERROR_TYPE ? new ErrorParamType(v.values.get('kind'), v.values.get('issue_code')) : v.type;
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
  if (r instanceof TimeType) return new TimeType(r.name);
  if (r instanceof StringType) return new StringType();
  if (r instanceof BooleanType) return BooleanT;
  if (r instanceof ArrayType) return new ArrayType(generalize(r.element));
  if (r instanceof TupleType) return new ArrayType(commonType(r.types.map(generalize)));
  if (r instanceof HashType) return new HashType(generalize(r.key), generalize(r.value));
  if (r instanceof StructType) return new HashType(new StringType(), commonType(r.entries.map((e) => generalize(e.type))));
  if (r instanceof SensitiveType) return new SensitiveType(generalize(r.type));
  if (r instanceof SemVerType) return new SemVerType();
  if (r instanceof URIType) return new URIType();
  if (r instanceof ErrorParamType) return ERROR_TYPE;
  return r;
}

/** The types of an Iterator's elements as Puppet infers them: one, or a Variant of the different ones. */
function variantOf(types: PType[]): PType {
  const unique: PType[] = [];
  for (const t of types) if (!unique.some((u) => u.toString() === t.toString())) unique.push(t);
  if (unique.length === 0) return Unit;
  return unique.length === 1 ? unique[0] : new VariantType(unique);
}

/** The one type of several values, as Puppet's common_type reduces them two by two. */
function commonType(types: PType[]): PType {
  if (types.length === 0) return Unit;
  return types.map(generalize).reduce(common);
}

function common(a: PType, b: PType): PType {
  // Undef and Unit give way to the other side (Puppet's rule, though Scalar and Undef is Any).
  if (a === Undef || a === Unit) return b;
  if (b === Undef || b === Unit) return a;
  if (a.isAssignable(b)) return a;
  if (b.isAssignable(a)) return b;
  if (a instanceof ArrayType && b instanceof ArrayType) return new ArrayType(common(a.element, b.element));
  if (a instanceof HashType && b instanceof HashType) return new HashType(common(a.key, b.key), common(a.value, b.value));
  if (a instanceof TypeType && b instanceof TypeType) return new TypeType(common(a.type, b.type));
  const both = (f: (t: PType) => boolean) => f(a) && f(b);
  if (both((t) => t instanceof IntegerType || t instanceof FloatType)) return Numeric;
  if (both(isScalarDataType)) return ScalarData;
  if (both(isScalarType)) return Scalar;
  if (both(isDataType)) return Data;
  return RichData;
}
const isScalarDataType = (t: PType) => t instanceof IntegerType || t instanceof FloatType || t instanceof StringType || t instanceof BooleanType;
const isScalarType = (t: PType) => isScalarDataType(t) || t instanceof RegexpType || t instanceof TimeType;
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
  if (v instanceof PDeferred) return formatDeferred(v);
  if (v instanceof PObject) return formatObject(v);
  // An Iterator prints its generalized element type (Puppet: Iterator[Integer]-Value).
  if (v instanceof PIterator) return `Iterator[${commonType(v.items.map(inferType))}]-Value`;
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x)).join(', ')}]`;
  // A type alias shows its definition where it is the value printed (`MyInt = Integer[0, 10]`),
  // and only its name inside other types.
  if (v instanceof TypeAliasType) return `${v.name} = ${v.resolved}`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatValue(k)} => ${formatValue(x)}`).join(', ')}}`;
  return String(v);
}

/**
 * A Deferred as Puppet prints an Object: `Deferred({'name' => 'join', 'arguments' => [[1, 2], ':']})`.
 * `inCatalog`: the String a catalog without rich data holds instead (Puppet's plain
 * `puppet catalog compile`), where a Sensitive argument is `Instance of Sensitive[String]`.
 */
export function formatDeferred(d: PDeferred, inCatalog = false): string {
  const attrs = [`'name' => ${quote(d.name)}`];
  if (d.args !== undefined) attrs.push(`'arguments' => ${formatQuoted(d.args, inCatalog)}`);
  return `Deferred({${attrs.join(', ')}})`;
}

/** An Object as Puppet prints it: `Person({'name' => 'Ann', 'age' => 30})` (attributes at their default left out). */
export function formatObject(o: PObject): string {
  return `${o.type.objectName ?? 'Object'}({${shownAttributes(o).map(([k, v]) => `${quote(k)} => ${formatQuoted(v, false)}`).join(', ')}})`;
}

/** A value inside an Object's printed form: strings quoted, undef named. */
function formatQuoted(v: Value, inCatalog: boolean): string {
  if (v === undefined) return 'undef';
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return `[${v.map((x) => formatQuoted(x, inCatalog)).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${formatQuoted(k, inCatalog)} => ${formatQuoted(x, inCatalog)}`).join(', ')}}`;
  if (inCatalog && v instanceof PSensitive) return `Instance of ${generalize(inferType(v))}`;
  if (v instanceof PDeferred) return formatDeferred(v, inCatalog);
  if (v instanceof PObject) return formatObject(v);
  // As Puppet's type formatter writes them: versions and times quoted, a URI as URI('…'), a
  // Binary by its type alone.
  if (v instanceof PSemVer || v instanceof PSemVerRange || v instanceof PTimespan || v instanceof PTimestamp) return quote(String(v));
  if (v instanceof PURI) return `URI(${quote(String(v))})`;
  if (v instanceof PBinary) return 'Instance of Binary';
  // References as Puppet inspects them: the title quoted, a class name as written.
  if (v instanceof ResourceType && v.typeName && v.title !== undefined) return `${capitalizeType(v.typeName)}[${quote(v.title)}]`;
  if (v instanceof ClassType && v.className) return `Class[${v.className}]`;
  return formatValue(v);
}

setQuotedFormatter((v) => formatQuoted(v, false));
setConstantTest((a) => generalize(inferType(a.value)).toString() === a.type.toString());
