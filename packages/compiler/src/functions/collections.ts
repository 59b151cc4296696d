// Functions on collections and numbers, as Puppet 7 ships them: length, empty, keys, values,
// sort, unique, flatten, dig, min, max, index, compare; abs, round, ceiling, floor.
import { compareVersions } from '../types/semver.ts';
import { PBinary, PSemVer, PSensitive, PTimespan, PTimestamp, asciiLower, hashGet, isTruthy, NOT_FOUND, puppetEquals, type Value } from '../values.ts';
import { Numeric, formatValue, typeNameOf } from '../types/index.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { splitKey } from '../hiera.ts';
import { argumentError, fn, parseType, type BuiltinFunction } from './signature.ts';

const SIZED = parseType('Variant[Collection, String]');

function size(ctx: CallContext, v: Value): bigint {
  if (v instanceof PBinary) return BigInt(v.bytes.length);
  if (typeof v === 'string') return BigInt([...v].length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  throw argumentError(ctx, 'arg', SIZED, v);
}

const length: PuppetFunction = (ctx, args) => size(ctx, args[0]);

const empty: PuppetFunction = (ctx, args) => {
  const v = args[0];
  if (v === undefined) return true;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return false;
  // Puppet's empty() answers for a Sensitive by what it hides, without revealing it.
  if (v instanceof PSensitive) return empty(ctx, [v.value], null);
  return size(ctx, v) === 0n;
};

const keys: PuppetFunction = (_ctx, args) => [...(args[0] as Map<Value, Value>).keys()];

const values: PuppetFunction = (_ctx, args) => [...(args[0] as Map<Value, Value>).values()];

/**
 * Puppet's compare(): numbers, strings (case-insensitive unless asked), versions, types;
 * undefined for values of different kinds, which cannot be compared.
 */
export function compareValues(a: Value, b: Value, ignoreCase = true): number | undefined {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = ignoreCase ? asciiLower(a) : a;
    const y = ignoreCase ? asciiLower(b) : b;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a instanceof PSemVer && b instanceof PSemVer) return compareVersions(a, b);
  return undefined;
}

/** compareValues, or the error of `fn` (sort, compare) for values that cannot be compared. */
function compareOrRaise(ctx: CallContext, fn: string, a: Value, b: Value, ignoreCase: boolean): number {
  const r = compareValues(a, b, ignoreCase);
  if (r === undefined) throw ctx.error('KSP-FUNC-006', { function: fn, left: typeNameOf(a), right: typeNameOf(b) });
  return r;
}

/**
 * Ruby's `<=>` as sort() without a lambda uses it: numbers with numbers, strings by their
 * characters (case matters), arrays element by element and then by length; equal values of any
 * other kind are 0; undefined for what Ruby cannot compare.
 */
export function rubySpaceship(a: Value, b: Value): number | undefined {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((a instanceof PTimespan && b instanceof PTimespan) || (a instanceof PTimestamp && b instanceof PTimestamp)) return a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0;
  if (a instanceof PSemVer && b instanceof PSemVer) return compareVersions(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < a.length && i < b.length; i++) {
      const r = rubySpaceship(a[i], b[i]);
      if (r !== 0) return r;
    }
    return a.length - b.length < 0 ? -1 : a.length > b.length ? 1 : 0;
  }
  if (a === b || (a === undefined && b === undefined)) return 0;
  return undefined;
}

/** Ruby's class name of a value, as its comparison errors name it. */
function rubyClassName(v: Value): string {
  if (v === undefined) return 'NilClass';
  if (v === true) return 'TrueClass';
  if (v === false) return 'FalseClass';
  if (typeof v === 'bigint') return 'Integer';
  if (typeof v === 'number') return 'Float';
  if (typeof v === 'string') return 'String';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Map) return 'Hash';
  return typeNameOf(v);
}

const sort: PuppetFunction = (ctx, args, lambda) => {
  const v = args[0];
  if (typeof v === 'string') return [...v].sort().join('');
  const copy = [...(v as Value[])];
  if (lambda) copy.sort((a, b) => Number(lambda.call([a, b]) as bigint));
  else {
    copy.sort((a, b) => {
      const r = rubySpaceship(a, b);
      if (r === undefined) throw ctx.error('KSP-FUNC-090', { left: rubyClassName(a), right: rubyClassName(b) });
      return r;
    });
  }
  return copy;
};

/**
 * unique as Puppet 7's: a string's characters, an array's elements, each first kept, compared by
 * the lambda's result when one is given; a hash becomes its keys grouped by (the lambda's result
 * for) their values, each group's keys mapped to its distinct values: {[a, b] => [1], [c] => [2]}.
 */
const unique: PuppetFunction = (ctx, args, lambda) => {
  const v = args[0];
  const by = (x: Value): Value => (lambda ? lambda.call([x]) : x);
  const uniq = (xs: Value[]): Value[] => {
    const out: Value[] = [];
    const seen: Value[] = [];
    for (const x of xs) {
      const key = by(x);
      if (seen.some((y) => strictEqual(key, y))) continue;
      seen.push(key);
      out.push(x);
    }
    return out;
  };
  if (typeof v === 'string') return uniq([...v]).join('');
  if (Array.isArray(v)) return uniq(v);
  if (v instanceof Map) {
    const groups: { key: Value; keys: Value[]; values: Value[] }[] = [];
    for (const [k, x] of v) {
      const key = by(x);
      let g = groups.find((y) => strictEqual(y.key, key));
      if (!g) groups.push((g = { key, keys: [], values: [] }));
      g.keys.push(k);
      g.values.push(x);
    }
    const out = new Map<Value, Value>();
    for (const g of groups) out.set(g.keys, g.values.filter((x, i) => g.values.findIndex((y) => strictEqual(x, y)) === i));
    return out;
  }
  throw ctx.error('KSP-FUNC-007', { type: typeNameOf(v) });
};

/** Equality without Puppet's case folding: what `unique` and hash keys use. */
function strictEqual(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (typeof a !== typeof b && !(typeof a === 'object' && typeof b === 'object')) return false;
  return puppetEquals(a, b);
}

const flatten: PuppetFunction = (_ctx, args) => {
  const v = args.length === 1 ? args[0] : args;
  return Array.isArray(v) ? (v.flat(Infinity as 1) as Value[]) : [v];
};

const dig: PuppetFunction = (ctx, args) => {
  let v = args[0];
  for (const k of args.slice(1)) {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) {
      if (typeof k !== 'bigint') throw ctx.error('KSP-FUNC-008', { type: typeNameOf(k) });
      v = v[Number(k < 0n ? BigInt(v.length) + k : k)];
    } else if (v instanceof Map) {
      const x = hashGet(v, k);
      v = x === NOT_FOUND ? undefined : x;
    } else {
      throw ctx.error('KSP-FUNC-009', { type: typeNameOf(v) });
    }
  }
  return v;
};

const minMax = (sign: 1 | -1): PuppetFunction => (_ctx, args, lambda) => {
  const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (list.length === 0) return undefined;
  const cmp = (a: Value, b: Value): number => {
    if (lambda) return Number(lambda.call([a, b]) as bigint);
    // Numbers and numeric strings compare as numbers, otherwise as strings (deprecated in Puppet).
    const na = toNumeric(a);
    const nb = toNumeric(b);
    if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
    return compareValues(formatValue(a), formatValue(b), false)!;
  };
  return list.reduce((best, x) => (cmp(x, best) * sign > 0 ? x : best));
};

export function toNumeric(v: Value): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?)\s*$/.test(v)) return v.includes('.') || /e/i.test(v) ? Number(v) : BigInt(v.trim());
  return undefined;
}

const index: PuppetFunction = (_ctx, args, lambda) => {
  const v = args[0];
  if (typeof v === 'string' && args.length === 2) {
    const i = v.indexOf(formatValue(args[1]));
    return i < 0 ? undefined : BigInt(i);
  }
  const entries: [Value, Value][] = Array.isArray(v) ? v.map((x, i) => [BigInt(i), x]) : v instanceof Map ? [...v] : [];
  for (const [k, x] of entries) {
    if (lambda ? isTruthy(lambda.parameters.length > 1 ? lambda.call([k, x]) : lambda.call([x])) : puppetEquals(x, args[1])) return k;
  }
  return undefined;
};

/** get(value, 'a.b.0', default) |$error| { … }: dig with a dotted path (quoted segments keep their dots). */
const get: PuppetFunction = (ctx, args, lambda) => {
  const [value, path] = args as [Value, string];
  const dflt = args[2];
  if (value === undefined) return dflt;
  if (path === '') return value;
  const segments: Value[] = splitKey(path).map((s) => (/^-?\d+$/.test(s) ? BigInt(s) : s));
  let v: Value = value;
  for (const [i, k] of segments.entries()) {
    if (v === undefined) break;
    if (Array.isArray(v) && typeof k === 'bigint') v = v[Number(k < 0n ? BigInt(v.length) + k : k)];
    else if (v instanceof Map) {
      const x = hashGet(v, k);
      v = x === NOT_FOUND ? undefined : x;
    } else {
      const walked = segments.slice(0, i).map((x) => formatValue(x)).join('.');
      const message = `The given data does not contain a Collection at '${walked}', got '${typeNameOf(v)}'`;
      if (lambda) return lambda.call([new Map<Value, Value>([['issue_code', 'EVAL_NOT_COLLECTION_AT'], ['message', message]])]);
      throw ctx.error('KSP-FUNC-051', { message });
    }
  }
  return v === undefined ? dflt : v;
};

// ---------------------------------------------------------------- numbers

/**
 * A string as Ruby's Float() reads it: blanks around, a sign, decimal digits (underscores
 * between them) with an optional fraction and exponent, or 0x hexadecimal; else undefined.
 */
export function rubyFloat(text: string): number | undefined {
  const s = text.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+(?:_[0-9a-fA-F]+)*)$/.exec(s);
  if (hex) return (hex[1] === '-' ? -1 : 1) * parseInt(hex[2].replace(/_/g, ''), 16);
  const digits = String.raw`\d+(?:_\d+)*`;
  const dec = new RegExp(`^[+-]?(?:${digits}(?:\\.${digits})?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  return dec.test(s) ? Number(s.replace(/_/g, '')) : undefined;
}

/**
 * round, ceiling, floor: an Integer stays as it is, a Float becomes an Integer. ceiling and
 * floor also take a String, read as Ruby's Float() reads it, with Puppet's deprecation warning.
 */
const toInteger = (f: (n: number) => number): PuppetFunction => (ctx, args) => {
  let v = args[0] as bigint | number | string;
  if (typeof v === 'string') {
    if (ctx.once(`numeric-coerce-string:${ctx.name}`)) {
      ctx.log('warning', `The ${ctx.name}() function's auto conversion of String to Float is deprecated - change to convert input before calling`);
    }
    const n = rubyFloat(v);
    if (n === undefined) throw ctx.error('KSP-FUNC-104', { function: ctx.name });
    v = n;
  }
  return typeof v === 'bigint' ? v : BigInt(f(v));
};

const abs: PuppetFunction = (ctx, args) => {
  const v = args[0];
  if (typeof v === 'bigint') return v < 0n ? -v : v;
  if (typeof v === 'number') return Math.abs(v);
  const n = typeof v === 'string' ? toNumeric(v) : undefined;
  if (n === undefined) throw argumentError(ctx, 'val', Numeric, v);
  return typeof n === 'bigint' ? (n < 0n ? -n : n) : Math.abs(n);
};

// ---------------------------------------------------------------- comparing

const compare: PuppetFunction = (ctx, args) => {
  return BigInt(compareOrRaise(ctx, 'compare', args[0], args[1], args[2] !== false));
};

export const COLLECTION_FUNCTIONS: BuiltinFunction[] = [
  fn('length', 'Any arg', 'Integer', length),
  fn('size', 'Any arg', 'Integer', length),
  fn('empty', 'Any arg', 'Boolean', empty),
  fn('keys', 'Hash hsh', 'Array', keys),
  fn('values', 'Hash hsh', 'Array', values),
  fn('sort', 'Variant[String, Array] arg, Callable &block?', 'Variant[String, Array]', sort),
  fn('unique', 'Any arg, Callable &block?', 'Variant[String, Array, Hash]', unique),
  fn('flatten', 'Any +args', 'Array', flatten),
  fn('dig', 'Any +args', 'Any', dig),
  fn('get', 'Any value, String dotted_string, Any default_value?, Callable &block?', 'Any', get),
  fn('min', 'Any +values, Callable &block?', 'Any', minMax(-1)),
  fn('max', 'Any +values, Callable &block?', 'Any', minMax(1)),
  fn('index', 'Any collection, Any value?, Callable &block?', 'Any', index),
  fn('compare', 'Any a, Any b, Any ignore_case?', 'Integer', compare),
  fn('abs', 'Any val', 'Numeric', abs),
  fn('round', 'Numeric val', 'Integer', toInteger((n) => Math.sign(n) * Math.round(Math.abs(n)))),
  fn('ceiling', 'Variant[Numeric, String] val', 'Integer', toInteger(Math.ceil)),
  fn('floor', 'Variant[Numeric, String] val', 'Integer', toInteger(Math.floor)),
];
