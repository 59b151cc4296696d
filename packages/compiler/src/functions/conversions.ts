// Functions on types and values, as Puppet 7 ships them: type, assert_type, new (and Type(…)),
// convert_to, unwrap; call and getvar, which reach other functions and variables by name.
import { parseManifest, type Expression } from '@kasper/language';
import { TIMESPAN_FORMATS, TIMESTAMP_FORMATS, parseTimespan, parseTimestamp, secondsToNs, timespanFromHash } from '../types/time.ts';
import { DEFAULT, PIterator, PDeferred, PRegexp, PSensitive, PTimespan, PTimestamp, hashGet, isType, NOT_FOUND, parseNumber, type Value } from '../values.ts';
import {
  ArrayType, BooleanType, DeferredType, FloatType, PatternType, StructType, HashType, IntegerType, Numeric, OptionalType, PType, RegexpType, SensitiveType, StringType,
  TypeAliasType, VariantType, NotUndefType, TypeType, TupleType, Any, Default, InitType, TimeType, Undef, DEFERRED_NAME, describeArgumentMismatch, describeMismatch, typeNameOf, formatValue, generalize, inferType,
} from '../types/index.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { toNumeric } from './collections.ts';
import { placed, sprintf } from './strings.ts';
import { formatString } from './string-format.ts';
import { NOT_RICH, newRich } from './rich-values.ts';
import { raise } from '../messages.ts';
import { argumentError, fn, parseType, type BuiltinFunction } from './signature.ts';

const TYPE = parseType('Type');

const typeFn: PuppetFunction = (_ctx, args) => {
  const mode = args[1] ?? 'detailed';
  const t = inferType(args[0]);
  if (mode === 'generalized') return generalize(t);
  if (mode === 'reduced') return reduce(t);
  return t;
};

/** `type($x, 'reduced')`: collections keep their element types but lose exact sizes. */
function reduce(t: PType): PType {
  return t;
}

/** A type written as a string (`'Array[String]'`), as assert_type and lookup accept it. */
export function parseTypeString(ctx: CallContext, text: string): Value {
  const parsed = parseManifest(text, '<type string>');
  const expr = parsed.program.body[0];
  if (parsed.diagnostics.some((d) => d.severity === 'error') || parsed.program.body.length !== 1 || !expr || !typeSpecification(expr)) {
    throw ctx.error('KSP-FUNC-010', { text });
  }
  const t = ctx.evaluate(expr);
  if (!isType(t)) throw ctx.error('KSP-FUNC-010', { text });
  return t;
}

/**
 * Whether an expression is what Puppet's type parser reads: a type name, or one with
 * parameters that are literals, names, regexes, arrays, hashes and types (no calls, no variables).
 */
function typeSpecification(e: Expression, top = true): boolean {
  switch (e.kind) {
    case 'QualifiedReference': return true;
    case 'AccessExpression': return e.target.kind === 'QualifiedReference' && e.keys.every((k) => typeSpecification(k, false));
    case 'LiteralString': case 'QualifiedName': case 'LiteralNumber': case 'LiteralRegex': case 'LiteralDefault': case 'LiteralUndef': case 'LiteralBoolean':
      return !top;
    case 'UnaryMinusExpression': return !top && e.expr.kind === 'LiteralNumber';
    case 'LiteralList': return !top && e.values.every((k) => typeSpecification(k, false));
    case 'LiteralHash': return !top && e.entries.every((x) => typeSpecification(x.key, false) && typeSpecification(x.value, false));
    case 'ConcatenatedString': return !top && e.segments.every((x) => x.kind === 'LiteralString');
    default: return false;
  }
}

const assertType: PuppetFunction = (ctx, args, lambda) => {
  let t = args[0];
  if (typeof t === 'string') t = parseTypeString(ctx, t);
  if (!isType(t)) throw argumentError(ctx, 'type', TYPE, t);
  if (t.isInstance(args[1])) return args[1];
  if (lambda) return lambda.call([t, inferType(args[1])]);
  throw ctx.error('KSP-FUNC-011', { mismatch: describeMismatch(t, args[1]) });
};

// ---------------------------------------------------------------- conversions (new)

/**
 * Integer.new: a string is a sign (blanks may follow it) and decimal digits, `0x` hex or `0b`
 * binary; without a radix a leading 0 makes it octal (`'010'` is 8), a radix (2, 8, 10, 16)
 * reads the digits in it. A Float is truncated.
 */
function toInteger(ctx: CallContext, v: Value, radix?: number): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const m = /^([-+]?)\s*(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+)$/.exec(v);
    let n: bigint | undefined;
    if (m) {
      const body = m[2];
      const prefixed = /^0[xXbB]/.test(body);
      if (radix === undefined) {
        if (prefixed) n = BigInt(body);
        else if (body.length > 1 && body.startsWith('0')) n = /^[0-7]+$/.test(body) ? BigInt(`0o${body.slice(1)}`) : undefined;
        else n = BigInt(body);
      } else if (radix === 10 && !prefixed) n = BigInt(body);
      else if (radix === 16) n = BigInt(`0x${body.replace(/^0[xX]/, '')}`);
      else if (radix === 8 && !prefixed && /^[0-7]+$/.test(body)) n = BigInt(`0o${body}`);
      else if (radix === 2 && /^(0[bB])?[01]+$/.test(body)) n = BigInt(`0b${body.replace(/^0[bB]/, '')}`);
    }
    if (n !== undefined) return m![1] === '-' ? -n : n;
  }
  throw ctx.error('KSP-FUNC-012', { value: formatValue(v), type: 'Integer' });
}

function toFloat(ctx: CallContext, v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    const hex = /^([-+]?)(0[xX][0-9a-fA-F]+)$/.exec(s);
    if (hex) return (hex[1] === '-' ? -1 : 1) * Number(BigInt(hex[2]));
    if (/^[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|\.\d+)$/.test(s)) return Number(s);
  }
  throw ctx.error('KSP-FUNC-012', { value: formatValue(v), type: 'Float' });
}

export function convert(ctx: CallContext, type: PType, args: Value[]): Value {
  const t = type instanceof TypeAliasType ? type.resolved : type;
  const v = args[0];
  let result: Value;
  if (t instanceof OptionalType) return v === undefined ? undefined : convert(ctx, t.type, args);
  const rich = newRich(ctx, t, args, (tt, aa) => convert(ctx, tt, aa));
  if (rich !== NOT_RICH) {
    if (!(t instanceof InitType) && !type.isInstance(rich)) throw ctx.error('KSP-FUNC-016', { type: t.name, mismatch: describeMismatch(type, rich) });
    return rich;
  }
  // Integer.new(from, radix, abs), Float.new(from, abs), Numeric.new(from, abs); or one hash of them.
  const named = v instanceof Map && v.has('from') && (t instanceof IntegerType || t instanceof FloatType || t === Numeric);
  const from = named ? v.get('from') : v;
  const radixArg = named ? v.get('radix') : t instanceof IntegerType ? args[1] : undefined;
  const absolute = (named ? v.get('abs') : args[t instanceof IntegerType ? 2 : 1]) === true;
  const abs = <N extends bigint | number>(n: N): N => (absolute && n < 0 ? (-n as N) : n);
  if (t instanceof IntegerType) {
    const radix = typeof radixArg === 'bigint' ? Number(radixArg) : undefined;
    result = abs(toInteger(ctx, from, radix));
  } else if (t instanceof FloatType) {
    result = abs(toFloat(ctx, from));
  } else if (t === Numeric) {
    if (typeof from === 'bigint' || typeof from === 'number') result = abs(from);
    else if (typeof from === 'boolean') result = from ? 1n : 0n;
    else {
      // A string: 0b/0x as Integer; otherwise as arithmetic reads it ('010' is 8).
      const s = typeof from === 'string' && /^[-+]?\s*\S/.test(from) ? from : undefined;
      const n = s === undefined ? undefined : /^0[bBxX]/.test(s) ? toInteger(ctx, s) : parseNumber(s);
      if (n === undefined) throw ctx.error('KSP-FUNC-013', { value: formatValue(from) });
      result = abs(n);
    }
  } else if (t instanceof StringType) {
    // String(x), String(x, format), String(x, {Type => format, …}): Puppet's string converter.
    try {
      result = formatString(v, args.length > 1 ? args[1] : undefined);
    } catch (e) {
      throw placed(ctx, e);
    }
  } else if (t instanceof BooleanType) {
    if (typeof v === 'boolean') result = v;
    else if (typeof v === 'string' && /^(true|yes|y)$/i.test(v)) result = true;
    else if (typeof v === 'string' && /^(false|no|n|)$/i.test(v)) result = false;
    else if (typeof v === 'bigint') result = v !== 0n;
    else if (typeof v === 'number') result = v !== 0;
    else throw ctx.error('KSP-FUNC-014', { value: formatValue(v), type: 'Boolean' });
  } else if (t instanceof NotUndefType) {
    // NotUndef[T].new is T.new (NotUndef alone: the value as it is, when it is not undef).
    result = t.type === Any ? v : convert(ctx, t.type, args);
  } else if (t instanceof TypeType) {
    // Type.new('Integer[1]') reads the text as a type, as Puppet's type parser does.
    result = typeof v === 'string' ? parseTypeString(ctx, v) : v;
  } else if (t instanceof ArrayType || t instanceof TupleType) {
    const wrap = args[1] === true;
    if (Array.isArray(v)) result = v;
    else if (v instanceof PIterator) result = [...v.items];
    else if (wrap) result = [v];
    else if (v instanceof Map) result = [...v].map(([k, x]) => [k, x]);
    else if (typeof v === 'string') result = [...v];
    else if (typeof v === 'bigint') result = Array.from({ length: Number(v) }, (_x, i) => BigInt(i));
    else if (v instanceof IntegerType && v.min !== null && v.max !== null) result = Array.from({ length: Number(v.max - v.min + 1n) }, (_x, i) => v.min! + BigInt(i));
    else result = [v];
  } else if (t instanceof HashType || t instanceof StructType) {
    if (v instanceof Map) result = v;
    else if (Array.isArray(v)) {
      const h = new Map<Value, Value>();
      if (v.every((x) => Array.isArray(x) && x.length === 2)) for (const x of v as Value[][]) h.set(x[0], x[1]);
      else if (v.length % 2 !== 0) throw ctx.error('KSP-FUNC-107', {});
      else for (let i = 0; i + 1 < v.length; i += 2) h.set(v[i], v[i + 1]);
      result = h;
    } else throw ctx.error('KSP-FUNC-014', { value: formatValue(v), type: 'Hash' });
  } else if (t instanceof SensitiveType) {
    result = v instanceof PSensitive ? v : new PSensitive(v);
  } else if (t instanceof DeferredType) {
    result = newDeferred(ctx, args);
  } else if (t instanceof TimeType) {
    result = newTime(ctx, t.name === 'Timestamp', args);
  } else if (t instanceof RegexpType) {
    result = v instanceof PRegexp ? v : new PRegexp(formatValue(v));
  } else if (t === Undef || t === Default) {
    result = t === Undef ? undefined : DEFAULT;
  } else {
    throw ctx.error('KSP-FUNC-015', { type: t });
  }
  if (!type.isInstance(result)) throw ctx.error('KSP-FUNC-016', { type: t.toString(), mismatch: describeMismatch(type, result) });
  return result;
}

const DEFERRED_NAME_TYPE = new PatternType([new PRegexp(DEFERRED_NAME)]);
const DEFERRED_ARGS_TYPE = new OptionalType(new ArrayType());
const DEFERRED_HASH_TYPE = new StructType([
  { key: 'name', optional: false, type: DEFERRED_NAME_TYPE }, { key: 'arguments', optional: true, type: DEFERRED_ARGS_TYPE },
]);

/**
 * Deferred.new: `(name, arguments?)` or `({name => …, arguments => …})`, Puppet's two dispatches;
 * when neither fits, the error lists both with why each was rejected, as Puppet's does.
 */
function newDeferred(ctx: CallContext, args: Value[]): PDeferred {
  const [a, b] = args;
  if (args.length === 1 && DEFERRED_HASH_TYPE.isInstance(a)) {
    const h = a as Map<Value, Value>;
    const x = hashGet(h, 'arguments');
    return new PDeferred(hashGet(h, 'name') as string, x === NOT_FOUND ? undefined : x as Value[] | undefined);
  }
  if (args.length >= 1 && args.length <= 2 && DEFERRED_NAME_TYPE.isInstance(a) && DEFERRED_ARGS_TYPE.isInstance(b)) {
    return new PDeferred(a as string, b as Value[] | undefined);
  }
  const byHash = args.length === 1 ? `parameter 'hash' ${describeArgumentMismatch(DEFERRED_HASH_TYPE, a)}` : `expects 1 argument, got ${args.length}`;
  const byName = args.length < 1 || args.length > 2 ? `expects between 1 and 2 arguments, got ${args.length}`
    : !DEFERRED_NAME_TYPE.isInstance(a) ? `parameter 'name' ${describeArgumentMismatch(DEFERRED_NAME_TYPE, a)}`
      : `parameter 'arguments' expects a value of type Undef or Array, got ${typeNameOf(b)}`;
  throw ctx.error('KSP-FUNC-100', { hashType: DEFERRED_HASH_TYPE.toString(), hashReason: byHash, nameType: DEFERRED_NAME_TYPE.toString(), nameReason: byName });
}

const newFn: PuppetFunction = (ctx, args, lambda) => {
  const v = convert(ctx, args[0] as PType, args.slice(1));
  return lambda ? lambda.call([v]) : v;
};

const convertTo: PuppetFunction = (ctx, args, lambda) => {
  const v = convert(ctx, args[1] as PType, [args[0], ...args.slice(2)]);
  return lambda ? lambda.call([v]) : v;
};

const call: PuppetFunction = (ctx, args, lambda) => {
  return ctx.call(args[0] as string, args.slice(1), lambda);
};

const getvar: PuppetFunction = (ctx, args) => {
  const [name, ...path] = (args[0] as string).replace(/^\$/, '').split('.');
  let v = ctx.variable(name);
  for (const k of path) {
    if (v instanceof Map) v = v.get(k);
    else if (Array.isArray(v) && /^\d+$/.test(k)) v = v[Number(k)];
    else v = undefined;
  }
  return v === undefined && args.length > 1 ? args[1] : v;
};

const unwrap: PuppetFunction = (_ctx, args, lambda) => {
  const v = args[0] instanceof PSensitive ? args[0].value : args[0];
  return lambda ? lambda.call([v]) : v;
};

export const CONVERSION_FUNCTIONS: BuiltinFunction[] = [
  fn('type', 'Any value, Any inference_method?', 'Type', typeFn),
  fn('assert_type', 'Any type, Any value, Callable &block?', 'Any', assertType),
  fn('new', 'Type type, Any *args, Callable &block?', 'Any', newFn),
  fn('convert_to', 'Any value, Type type, Any *args, Callable &block?', 'Any', convertTo),
  fn('call', 'String function_name, Any *args, Callable &block?', 'Any', call),
  fn('getvar', 'String variable, Any default?', 'Any', getvar),
  fn('unwrap', 'Any arg, Callable &block?', 'Any', unwrap),
];

/**
 * Timestamp() is now; Timestamp(n) and Timespan(n) are seconds; a string reads with Puppet's
 * formats or the given one(s) (and, for a Timestamp, a zone); Timespan({days => 1, …}).
 */
function newTime(ctx: CallContext, stamp: boolean, args0: Value[]): Value {
  // Timestamp({string => …, format => …, timezone => …}) is the positional form by name.
  const h = args0[0];
  const args = stamp && h instanceof Map && typeof hashGet(h, 'string') === 'string'
    ? [hashGet(h, 'string'), hashGet(h, 'format'), hashGet(h, 'timezone')].map((x) => (x === NOT_FOUND ? undefined : x)) as Value[]
    : args0;
  const v = args[0];
  if (stamp) {
    if (v instanceof PTimestamp) return v;
    if (v === undefined && args.length === 0) return PTimestamp.fromMs(Date.now());
    if (typeof v === 'bigint' || typeof v === 'number') return new PTimestamp(secondsToNs(v));
    if (typeof v === 'string') {
      const formats = typeof args[1] === 'string' ? [args[1]] : Array.isArray(args[1]) ? args[1].map(String) : TIMESTAMP_FORMATS;
      return parseTimestamp(v, formats, typeof args[2] === 'string' ? args[2] : 'UTC');
    }
  } else {
    if (v instanceof PTimespan) return v;
    if (typeof v === 'bigint' || typeof v === 'number') return new PTimespan(secondsToNs(v));
    if (v instanceof Map) return timespanFromHash(v);
    if (typeof v === 'string') {
      const formats = typeof args[1] === 'string' ? [args[1]] : Array.isArray(args[1]) ? args[1].map(String) : TIMESPAN_FORMATS;
      return parseTimespan(v, formats);
    }
  }
  throw ctx.error('KSP-FUNC-014', { value: formatValue(v), type: stamp ? 'Timestamp' : 'Timespan' });
}

// Init[T] asks whether T.new takes a value: the same conversion, outside any call.
const PROBE = { name: 'new', error: (code: Parameters<typeof raise>[0], args: Parameters<typeof raise>[1]) => raise(code, args) } as unknown as CallContext;
InitType.converter = (t, args) => convert(PROBE, t, args);
