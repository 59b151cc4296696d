// Types by name, and `Type[…]` parameters: `Integer[1, 10]`, `File['/x']`, `Optional[String]`.
import { DEFAULT, PRegexp, PSemVerRange, PTimespan, PTimestamp, PURI, isType, type Value } from '../values.ts';
import { parseTimespan, parseTimestamp, secondsToNs } from './time.ts';
import { parseRange } from './semver.ts';
import { parseUri } from './uri.ts';
import { ANY_SIZE, Any, CallableType, Data, Default, DeferredType, NotUndefType, Numeric, OptionalType, PType, RichData, Scalar, ScalarData, SensitiveType, Size, TimeType, TypeAliasType, TypeSet, TypeType, Undef, Unit, VariantType, boundOf } from './base.ts';
import { BooleanType, EnumType, FloatType, IntegerType, PatternType, RegexpType, StringType } from './scalars.ts';
import { Binary, InitType, IterableType, IteratorType, RuntimeType, SemVerRange, SemVerType, URIType } from './rich.ts';
import { ERROR_TYPE, ErrorParamType, ObjectType } from './objects.ts';
import { ArrayType, CollectionType, HashType, type StructEntry, StructType, TupleType } from './collections.ts';
import { CatalogEntry, ClassType, ResourceType } from './catalog.ts';
import { formatValue, typeNameOf } from './describe.ts';
import { raise } from '../messages.ts';

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
  Iterable: () => new IterableType(), Iterator: () => new IteratorType(), Timespan: () => new TimeType('Timespan'), Timestamp: () => new TimeType('Timestamp'),
  SemVer: () => new SemVerType(), SemVerRange: () => SemVerRange, Binary: () => Binary, Runtime: () => new RuntimeType(),
  Object: () => BARE_OBJECT, Deferred: () => new DeferredType(), TypeSet: () => TypeSet, Error: () => ERROR_TYPE, URI: () => new URIType(), Init: () => new InitType(),
};

const BARE_OBJECT = new ObjectType(new Map(), undefined, true);

/** A built-in type by its name (`Integer`), or undefined for resource types and aliases. */
export function typeByName(name: string): PType | undefined {
  const make = BY_NAME[name.replace(/^::/, '')];
  return make ? make() : undefined;
}

function asType(v: Value, what: string): PType {
  if (isType(v)) return v;
  // A string names a resource type in Resource['file'] and is a literal in Enum; elsewhere an error.
  throw raise('KSP-TYPE-002', { type: what, value: formatValue(v) });
}

function intArg(v: Value, what: string): bigint | null {
  return boundOf(v, what, false) as bigint | null;
}

/** Applies `[...]` to a type: `Integer[1, 10]`, `File['/x']`, `Optional[String]`. */
export function parameterize(t: PType, args: Value[]): Value {
  const name = t.name;
  const a = args;
  switch (name) {
    case 'Timespan': case 'Timestamp': {
      if (a.length > 2) throw raise('KSP-TYPE-018', { type: name, count: String(a.length) });
      const bound = (v: Value): bigint | null => {
        if (v === DEFAULT || v === undefined) return null;
        if (v instanceof PTimespan || v instanceof PTimestamp) return v.ns;
        if (typeof v === 'bigint' || typeof v === 'number') return secondsToNs(v);
        try {
          if (typeof v === 'string') return (name === 'Timespan' ? parseTimespan(v) : parseTimestamp(v)).ns;
        } catch (err) {
          throw raise('KSP-TYPE-019', { type: name, value: formatValue(v), message: err instanceof Error ? err.message : String(err) });
        }
        throw raise('KSP-TYPE-019', { type: name, value: formatValue(v), message: 'not a time' });
      };
      return new TimeType(name, bound(a[0]), a.length > 1 ? bound(a[1]) : null);
    }
    case 'SemVer':
      if (!(t instanceof SemVerType) || t.ranges.length) break;
      return new SemVerType(a.flat().map((v) => {
        if (v instanceof PSemVerRange) return v;
        if (typeof v === 'string' && v !== '') return parseRange(v);
        throw raise('KSP-RICH-030', { type: 'SemVer', expected: 'SemVerRange or String[1]', value: formatValue(v) });
      }));
    case 'URI': {
      if (!(t instanceof URIType) || t.parts) break;
      if (a.length !== 1) throw raise('KSP-RICH-031', { type: 'URI', range: '0 to 1', count: String(a.length) });
      const p = a[0];
      if (typeof p === 'string' && p !== '') return URIType.fromUri(parseUri(p));
      if (p instanceof PURI) return URIType.fromUri(p);
      if (p instanceof Map) {
        const parts = new Map<string, Value>();
        for (const [k, v] of p) {
          if (typeof k !== 'string' || !['scheme', 'userinfo', 'host', 'port', 'path', 'query', 'fragment', 'opaque'].includes(k)) throw raise('KSP-RICH-030', { type: 'URI', expected: 'a hash of URI parts', value: formatValue(k) });
          parts.set(k, v);
        }
        return new URIType(parts);
      }
      throw raise('KSP-RICH-030', { type: 'URI', expected: 'a URI string or a hash of its parts', value: formatValue(p) });
    }
    case 'Init': {
      if (!(t instanceof InitType) || t.type) break;
      if (a.length === 0) return t;
      return new InitType(asType(a[0], 'Init'), a.slice(1));
    }
    case 'Iterable': case 'Iterator': {
      if (!(t instanceof IterableType) || resolve0(t.element) !== Any) break;
      if (a.length !== 1) throw raise('KSP-RICH-031', { type: name, range: '0 to 1', count: String(a.length) });
      return name === 'Iterable' ? new IterableType(asType(a[0], name)) : new IteratorType(asType(a[0], name));
    }
    case 'Runtime': {
      if (!(t instanceof RuntimeType) || t.runtime !== undefined) break;
      // As Puppet: the arguments counted flat (a [regexp, replacement] name is two).
      const flat = a.flat();
      if (flat.length !== 2 || typeof a[0] !== 'string') throw raise('KSP-RICH-031', { type: 'Runtime', range: '1 to 2', count: String(flat.length) });
      return new RuntimeType(a[0], a[1]);
    }
    case 'Object': {
      if (!(t instanceof ObjectType) || !t.isBare) break;
      if (a.length !== 1 || !(a[0] instanceof Map)) throw raise('KSP-RICH-030', { type: 'Object', expected: 'a Hash that defines the type', value: a.map(formatValue).join(', ') });
      return new ObjectType(a[0]);
    }
    case 'Error': {
      if (t !== ERROR_TYPE) break;
      if (a.length < 1 || a.length > 2) throw raise('KSP-RICH-031', { type: 'Error', range: '1 to 2', count: String(a.length) });
      return new ErrorParamType(a[0], a[1]);
    }
    case 'Boolean':
      if (a.length > 0 && typeof a[0] !== 'boolean') throw raise('KSP-TYPE-015', { value: formatValue(a[0]) });
      return new BooleanType(typeof a[0] === 'boolean' ? a[0] : undefined);
    case 'Integer': {
      const [lo, hi] = [intArg(a[0], 'Integer'), a.length > 1 ? intArg(a[1], 'Integer') : null];
      if (lo !== null && hi !== null && lo > hi) throw raise('KSP-TYPE-016', { from: String(lo), to: String(hi) });
      return new IntegerType(lo, hi);
    }
    case 'Float': {
      const f = (v: Value) => { const b = boundOf(v, 'Float', true); return b === null ? null : Number(b); };
      const [lo, hi] = [f(a[0]), a.length > 1 ? f(a[1]) : null];
      if (lo !== null && hi !== null && lo > hi) throw raise('KSP-TYPE-016', { from: formatValue(lo), to: formatValue(hi) });
      return new FloatType(lo, hi);
    }
    case 'String':
      return new StringType(new Size(intArg(a[0], 'String'), a.length > 1 ? intArg(a[1], 'String') : null));
    case 'Collection':
      return new CollectionType(new Size(intArg(a[0], 'Collection'), a.length > 1 ? intArg(a[1], 'Collection') : null));
    case 'Enum': {
      const ci = a.length > 0 && typeof a[a.length - 1] === 'boolean';
      const vals = (ci ? a.slice(0, -1) : a).flat() as Value[];
      return new EnumType(vals.map((v) => { if (typeof v !== 'string') throw raise('KSP-TYPE-003', { value: formatValue(v) }); return v; }), ci && a[a.length - 1] === true);
    }
    case 'Pattern':
      return new PatternType(a.flat().map((v) => {
        if (v instanceof PRegexp) return v;
        if (typeof v === 'string') return new PRegexp(v);
        if (v instanceof PatternType) return v.patterns[0];
        if (v instanceof RegexpType && v.pattern) return v.pattern;
        throw raise('KSP-TYPE-004', { value: formatValue(v) });
      }));
    case 'Regexp': {
      const v = a[0];
      return new RegexpType(v instanceof PRegexp ? v : typeof v === 'string' ? new PRegexp(v) : null);
    }
    case 'Array': {
      if (a.length === 0) return new ArrayType();
      // A size alone needs its upper bound too (Array[1, 2]); Array[1] is refused, as by Puppet.
      if ((typeof a[0] === 'bigint' || a[0] === DEFAULT) && a.length === 1) throw raise('KSP-TYPE-020', { type: 'Array', value: typeNameOf(a[0]) });
      if (typeof a[0] === 'bigint' || a[0] === DEFAULT) return new ArrayType(Any, new Size(intArg(a[0], 'Array'), a.length > 1 ? intArg(a[1], 'Array') : null));
      return new ArrayType(asType(a[0], 'Array'), new Size(a.length > 1 ? intArg(a[1], 'Array') : null, a.length > 2 ? intArg(a[2], 'Array') : null));
    }
    case 'Hash': {
      if (a.length === 0) return new HashType();
      if (typeof a[0] === 'bigint' || a[0] === DEFAULT) return new HashType(Any, Any, new Size(intArg(a[0], 'Hash'), a.length > 1 ? intArg(a[1], 'Hash') : null));
      if (a.length === 1) throw raise('KSP-TYPE-005', { count: 1 });
      return new HashType(asType(a[0], 'Hash'), asType(a[1], 'Hash'), new Size(a.length > 2 ? intArg(a[2], 'Hash') : null, a.length > 3 ? intArg(a[3], 'Hash') : null));
    }
    case 'Tuple': {
      if (a.length === 0) throw raise('KSP-TYPE-017', {});
      const types: PType[] = [];
      const ints: Value[] = [];
      for (const v of a) (isType(v) ? types.push(v) : ints.push(v));
      if (types.length === 0) throw raise('KSP-TYPE-017', {});
      if (ints.length === 0) return new TupleType(types);
      const min = intArg(ints[0], 'Tuple');
      const max = ints.length > 1 ? intArg(ints[1], 'Tuple') : null;
      return TupleType.withSize(types, new Size(min, max));
    }
    case 'Struct': {
      const h = a[0];
      if (!(h instanceof Map)) throw raise('KSP-TYPE-006', { value: formatValue(h) });
      const entries: StructEntry[] = [];
      for (const [k, v] of h) {
        let key: string;
        let optional = false;
        if (typeof k === 'string') key = k;
        else if (k instanceof OptionalType && k.type instanceof StringType && k.type.value !== undefined) { key = k.type.value; optional = true; }
        else if (k instanceof EnumType && k.values.length === 1) key = k.values[0];
        else if (k instanceof OptionalType && k.type instanceof EnumType && k.type.values.length === 1) { key = k.type.values[0]; optional = true; }
        else if (k instanceof NotUndefType && k.type instanceof StringType && k.type.value !== undefined) key = k.type.value;
        else throw raise('KSP-TYPE-007', { value: formatValue(k) });
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
    case 'Variant': {
      // The same type twice is once, and a Variant of one type is that type (Puppet's normal form).
      const types: PType[] = [];
      for (const v of a) {
        const t = asType(v, 'Variant');
        if (!types.some((x) => x.toString() === t.toString())) types.push(t);
      }
      return types.length === 1 ? types[0] : new VariantType(types);
    }
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
        if (!typeName) throw raise('KSP-TYPE-008', { value: formatValue(first) });
        if (a.length === 1) return new ResourceType(typeName);
        return titles(typeName, a.slice(1));
      }
      if (r.title !== undefined) throw raise('KSP-TYPE-009', { kind: 'resource', type: r });
      return titles(r.typeName, a);
    }
    case 'Class': {
      const c = t as ClassType;
      if (c.className !== undefined) throw raise('KSP-TYPE-009', { kind: 'Class', type: c });
      // As for resources: undef names are dropped, and several names or an array give an array.
      const many = a.length > 1 || Array.isArray(a[0]);
      const names = (a.flat(Infinity as 1) as Value[]).filter((v) => v !== undefined).map((v) => {
        if (typeof v === 'string') return v;
        if (v instanceof ClassType && v.className) return v.className;
        throw raise('KSP-TYPE-010', { value: formatValue(v) });
      });
      if (names.length === 0 && a.length > 0) return many ? [] : undefined;
      return !many && names.length === 1 ? new ClassType(names[0]) : names.map((n) => new ClassType(n));
    }
    default:
      if (t instanceof TypeAliasType) return parameterize(t.resolved, args);
      throw raise('KSP-TYPE-011', { type: name });
  }
  // An already parameterised rich type, or an Object type of a user's.
  if (t instanceof TypeAliasType) return parameterize(t.resolved, args);
  throw raise('KSP-TYPE-011', { type: name });
}

const resolve0 = (t: PType): PType => (t instanceof TypeAliasType ? resolve0(t.resolved) : t);

/**
 * `File['a']`, `File['a', 'b']`, `File[['a']]`: as Puppet, undef titles are dropped (`File[undef]`
 * is undef, `Service['a', undef]` is `[Service['a']]`), and the answer is an array when several
 * titles or an array were given, a single reference otherwise.
 */
function titles(typeName: string, args: Value[]): Value {
  const many = args.length > 1 || Array.isArray(args[0]);
  const list = (args.flat(Infinity as 1) as Value[]).filter((v) => v !== undefined);
  const refs = list.map((v) => {
    if (typeof v !== 'string') throw raise('KSP-TYPE-012', { value: formatValue(v) });
    return new ResourceType(typeName, v);
  });
  if (refs.length === 0 && args.length > 0) return many ? [] : undefined;
  return !many && refs.length === 1 ? refs[0] : refs;
}

export function resourceType(typeName?: string, title?: string): PType {
  return new ResourceType(typeName, title);
}

export function classType(className?: string): PType {
  return new ClassType(className);
}
