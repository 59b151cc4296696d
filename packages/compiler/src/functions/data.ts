// Core functions on data: strings, collections, numbers, types and conversions, as Puppet 7
// ships them without stdlib (split, join, length, sort, sprintf, regsubst, versioncmp, new, …).
import { createHash } from 'node:crypto';
import { parseManifest } from '@kasper/language';
import { DEFAULT, PBinary, PRegexp, PSensitive, PTimestamp, asciiLower, hashGet, isTruthy, isType, NOT_FOUND, puppetEquals, toJsRegExp, type Value } from '../values.ts';
import {
  ArrayType, BooleanType, FloatType, HashType, IntegerType, Numeric, OptionalType, PType, RegexpType, SensitiveType, StringType,
  TypeAliasType, VariantType, Binary, Default, Timestamp, Undef, describeMismatch, formatValue, generalize, inferType,
} from '../types/index.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { expectArgs } from './context.ts';

const fail = (ctx: CallContext, message: string) => ctx.error('KSP-EVAL-007', message);

function describeArg(v: Value): string {
  return v === undefined ? 'Undef' : generalize(inferType(v)).name;
}

function expectString(ctx: CallContext, v: Value, param: string): string {
  if (typeof v !== 'string') throw fail(ctx, `'${ctx.name}' parameter '${param}' expects a String value, got ${describeArg(v)}`);
  return v;
}

/** Applies a string function to a string, or to every string in an array or hash (values). */
function mapStrings(ctx: CallContext, v: Value, fn: (s: string) => string): Value {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(ctx, x, fn));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [mapStrings(ctx, k, fn), mapStrings(ctx, x, fn)]));
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  throw fail(ctx, `'${ctx.name}' parameter 'arg' expects a value of type Numeric, String, Array, or Hash, got ${describeArg(v)}`);
}

const stringFn = (fn: (s: string) => string): PuppetFunction => (ctx, args) => {
  expectArgs(ctx, args, 1);
  return mapStrings(ctx, args[0], fn);
};

const capitalize = (s: string) => (s.length ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s);

// ---------------------------------------------------------------- strings

const split: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 2);
  const str = expectString(ctx, args[0], 'str');
  const p = args[1];
  let re: RegExp;
  if (p instanceof PRegexp) re = p.regexp;
  else if (typeof p === 'string') re = toJsRegExp(p);
  else if (p instanceof RegexpType && p.pattern) re = p.pattern.regexp;
  else throw fail(ctx, `'split' parameter 'pattern' expects a String or Regexp value, got ${describeArg(p)}`);
  if (str === '') return [];
  const parts = re.source === '(?:)' ? [...str] : str.split(new RegExp(re.source, re.flags.replace('g', '') + 'g'));
  // Ruby's split drops trailing empty fields.
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts.filter((x) => x !== undefined);
};

const join: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1, 2);
  if (!Array.isArray(args[0])) throw fail(ctx, `'join' parameter 'arg' expects an Array value, got ${describeArg(args[0])}`);
  const sep = args.length > 1 ? expectString(ctx, args[1], 'delimiter') : '';
  return (args[0].flat(Infinity as 1) as Value[]).map((x) => formatValue(x)).join(sep);
};

/** Ruby's sprintf, the directives Puppet code uses: %s %d %i %f %e %g %x %X %o %b %c %% with flags and widths. */
export function sprintf(format: string, args: Value[]): string {
  let i = 0;
  return format.replace(/%(?:(\d+)\$)?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdifeEgGxXobBcp%])|%<(\w+)>([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifeEgGxXobBp])|%\{(\w+)\}/g,
    (_m, position, flags0, width0, prec0, conv0, name, flags1, width1, prec1, conv1, braceName) => {
      if (conv0 === '%') return '%';
      let arg: Value;
      if (position !== undefined) {
        arg = args[Number(position) - 1];
      } else if (braceName !== undefined || name !== undefined) {
        const h = args[0];
        arg = h instanceof Map ? h.get(braceName ?? name) : undefined;
        if (braceName !== undefined) return formatValue(arg);
      } else {
        arg = args[i++];
      }
      const flags: string = (flags0 ?? flags1 ?? '') as string;
      let width = width0 ?? width1;
      if (width === '*') { width = String(arg); arg = args[i++]; }
      const prec = prec0 ?? prec1;
      const conv: string = conv0 ?? conv1;
      let body: string;
      const num = (v: Value): number | bigint => (typeof v === 'bigint' || typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : 0);
      const int = (v: Value): bigint => { const n = num(v); return typeof n === 'bigint' ? n : BigInt(Math.trunc(n)); };
      const signed = (s: string, neg: boolean) => (neg ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
      switch (conv) {
        case 's': body = Array.isArray(arg) || arg instanceof Map ? rubyInspect(arg) : formatValue(arg); if (prec !== undefined) body = body.slice(0, Number(prec)); break;
        case 'p': body = rubyInspect(arg); break;
        case 'd': case 'i': { const n = int(arg); body = signed((n < 0n ? -n : n).toString(), n < 0n); break; }
        case 'f': { const n = Number(num(arg)); body = signed(Math.abs(n).toFixed(prec === undefined ? 6 : Number(prec)), n < 0); break; }
        case 'e': case 'E': {
          const n = Number(num(arg));
          let s = Math.abs(n).toExponential(prec === undefined ? 6 : Number(prec)).replace(/e([+-])(\d)$/, 'e$10$2');
          if (conv === 'E') s = s.toUpperCase();
          body = signed(s, n < 0);
          break;
        }
        case 'g': case 'G': { const n = Number(num(arg)); body = signed(String(Number(Math.abs(n).toPrecision(prec === undefined ? 6 : Number(prec) || 1))), n < 0); break; }
        case 'x': case 'X': { const n = int(arg); body = (flags.includes('#') ? '0x' : '') + (n < 0n ? '-' + (-n).toString(16) : n.toString(16)); if (conv === 'X') body = body.toUpperCase(); break; }
        case 'o': { const n = int(arg); body = (flags.includes('#') ? '0' : '') + n.toString(8); break; }
        case 'b': case 'B': { const n = int(arg); body = (flags.includes('#') ? '0b' : '') + n.toString(2); break; }
        case 'c': body = typeof arg === 'bigint' ? String.fromCodePoint(Number(arg)) : formatValue(arg).slice(0, 1); break;
        default: body = formatValue(arg);
      }
      const w = width ? Number(width) : 0;
      if (body.length < w) {
        if (flags.includes('-')) body = body.padEnd(w);
        else if (flags.includes('0') && /[difeEgGxXob]/.test(conv)) {
          const sign = /^[-+ ]/.test(body) ? body[0] : '';
          body = sign + body.slice(sign.length).padStart(w - sign.length, '0');
        } else body = body.padStart(w);
      }
      return body;
    });
}

/** Ruby's inspect, which `%p` prints: strings in double quotes, nil for undef. */
function rubyInspect(v: Value): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(rubyInspect).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${rubyInspect(k)}=>${rubyInspect(x)}`).join(', ')}}`;
  return formatValue(v);
}

const sprintfFn: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1, Infinity);
  return sprintf(expectString(ctx, args[0], 'format'), args.slice(1));
};

/** Ruby replacement strings use \0, \1, \k<name>; JavaScript's use $&, $1, $<name>. */
function rubyReplacement(r: string): string {
  return r.replace(/\$/g, '$$$$').replace(/\\(\d)|\\k<(\w+)>|\\&|\\\\/g, (m, d, name) => {
    if (d !== undefined) return d === '0' ? '$&' : `$${d}`;
    if (name !== undefined) return `$<${name}>`;
    if (m === '\\&') return '$&';
    return '\\';
  });
}

const regsubst: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 3, 5);
  const [target, pattern, replacement] = args;
  const flags = args.length > 3 && typeof args[3] === 'string' ? args[3] : '';
  let jsFlags = '';
  if (flags.includes('G')) jsFlags += 'g';
  if (flags.includes('I')) jsFlags += 'i';
  if (flags.includes('M')) jsFlags += 's';
  const re = pattern instanceof PRegexp ? new RegExp(pattern.regexp.source, pattern.regexp.flags + jsFlags) : toJsRegExp(expectString(ctx, pattern, 'pattern'), jsFlags);
  if (typeof replacement !== 'string' && !(replacement instanceof Map)) throw fail(ctx, `'regsubst' parameter 'replacement' expects a String or Hash value, got ${describeArg(replacement)}`);
  const one = (s: Value): Value => {
    const str = expectString(ctx, s, 'target');
    if (replacement instanceof Map) return str.replace(re, (m) => formatValue(replacement.get(m)));
    return str.replace(re, rubyReplacement(replacement));
  };
  return Array.isArray(target) ? target.map(one) : one(target);
};

/** Puppet's version comparison (Puppet::Util::Package.versioncmp). */
export function versioncmp(a: string, b: string): number {
  const scan = (s: string) => s.match(/[-.]|\d+|[^-.\d]+/g) ?? [];
  const ax = scan(a);
  const bx = scan(b);
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  while (ax.length && bx.length) {
    const x = ax.shift()!;
    const y = bx.shift()!;
    if (x === y) continue;
    if (x === '-' && y === '-') continue;
    if (x === '-') return -1;
    if (y === '-') return 1;
    if (x === '.' && y === '.') continue;
    if (x === '.') return -1;
    if (y === '.') return 1;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      if (x.startsWith('0') || y.startsWith('0')) return cmp(x.toUpperCase(), y.toUpperCase());
      const d = BigInt(x) - BigInt(y);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    return cmp(x.toUpperCase(), y.toUpperCase());
  }
  return cmp(a, b);
}

const versioncmpFn: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 2, 3);
  return BigInt(versioncmp(expectString(ctx, args[0], 'a'), expectString(ctx, args[1], 'b')));
};

const match: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 2);
  const p = args[1];
  const re = p instanceof PRegexp ? p.regexp : typeof p === 'string' ? toJsRegExp(p)
    : p instanceof RegexpType && p.pattern ? p.pattern.regexp : null;
  if (!re) throw fail(ctx, `'match' parameter 'pattern' expects a String, Regexp or Pattern value, got ${describeArg(p)}`);
  const one = (s: Value): Value => {
    const m = re.exec(expectString(ctx, s, 'string'));
    return m ? [...m].map((x) => x ?? undefined) : undefined;
  };
  return Array.isArray(args[0]) ? args[0].map(one) : one(args[0]);
};

const digest = (algo: string): PuppetFunction => (ctx, args) => {
  expectArgs(ctx, args, 1);
  return createHash(algo).update(expectString(ctx, args[0], 'str')).digest('hex');
};

// ---------------------------------------------------------------- collections

function size(ctx: CallContext, v: Value): bigint {
  if (v instanceof PBinary) return BigInt(v.bytes.length);
  if (typeof v === 'string') return BigInt([...v].length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof Map) return BigInt(v.size);
  throw fail(ctx, `'${ctx.name}' parameter 'arg' expects a value of type Collection or String, got ${describeArg(v)}`);
}

const length: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1);
  return size(ctx, args[0]);
};

const empty: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1);
  const v = args[0];
  if (v === undefined) return true;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return false;
  return size(ctx, v) === 0n;
};

const keys: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1);
  if (!(args[0] instanceof Map)) throw fail(ctx, `'keys' parameter 'hsh' expects a Hash value, got ${describeArg(args[0])}`);
  return [...args[0].keys()];
};

const values: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1);
  if (!(args[0] instanceof Map)) throw fail(ctx, `'values' parameter 'hsh' expects a Hash value, got ${describeArg(args[0])}`);
  return [...args[0].values()];
};

/** Puppet's compare(): numbers, strings (case-insensitive unless asked), versions, types. */
export function compareValues(a: Value, b: Value, ignoreCase = true): number {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') {
    const x = ignoreCase ? asciiLower(a) : a;
    const y = ignoreCase ? asciiLower(b) : b;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new Error(`Can only compare values of the same kind: ${describeArg(a)} and ${describeArg(b)}`);
}

const sort: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 1);
  const v = args[0];
  if (typeof v === 'string') return [...v].sort().join('');
  if (!Array.isArray(v)) throw fail(ctx, `'sort' parameter 'arg' expects a value of type String or Array, got ${describeArg(v)}`);
  const copy = [...v];
  try {
    if (lambda) copy.sort((a, b) => Number(lambda.call([a, b]) as bigint));
    else copy.sort((a, b) => compareValues(a, b, false));
  } catch (e) {
    if (e instanceof Error && !('code' in e)) throw fail(ctx, `'sort' ${e.message}`);
    throw e;
  }
  return copy;
};

const unique: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1);
  const v = args[0];
  if (typeof v === 'string') return [...new Set(v)].join('');
  if (Array.isArray(v)) {
    const out: Value[] = [];
    for (const x of v) if (!out.some((y) => strictEqual(x, y))) out.push(x);
    return out;
  }
  if (v instanceof Map) {
    const out = new Map<Value, Value>();
    const seen: Value[] = [];
    for (const [k, x] of v) if (!seen.some((y) => strictEqual(x, y))) { seen.push(x); out.set(k, x); }
    return out;
  }
  throw fail(ctx, `'unique' expects a String, Array or Hash, got ${describeArg(v)}`);
};

/** Equality without Puppet's case folding: what `unique` and hash keys use. */
function strictEqual(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (typeof a !== typeof b && !(typeof a === 'object' && typeof b === 'object')) return false;
  return puppetEquals(a, b);
}

const flatten: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1, Infinity);
  const v = args.length === 1 ? args[0] : args;
  return Array.isArray(v) ? (v.flat(Infinity as 1) as Value[]) : [v];
};

const dig: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1, Infinity);
  let v = args[0];
  for (const k of args.slice(1)) {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) {
      if (typeof k !== 'bigint') throw fail(ctx, `'dig' an Array can only be dug into with an Integer, got ${describeArg(k)}`);
      v = v[Number(k < 0n ? BigInt(v.length) + k : k)];
    } else if (v instanceof Map) {
      const x = hashGet(v, k);
      v = x === NOT_FOUND ? undefined : x;
    } else {
      throw fail(ctx, `'dig' cannot dig into ${describeArg(v)}`);
    }
  }
  return v;
};

const minMax = (sign: 1 | -1): PuppetFunction => (ctx, args, lambda) => {
  expectArgs(ctx, args, 1, Infinity);
  const list = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
  if (list.length === 0) return undefined;
  const cmp = (a: Value, b: Value): number => {
    if (lambda) return Number(lambda.call([a, b]) as bigint);
    // Numbers and numeric strings compare as numbers, otherwise as strings (deprecated in Puppet).
    const na = toNumeric(a);
    const nb = toNumeric(b);
    if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
    return compareValues(formatValue(a), formatValue(b), false);
  };
  return list.reduce((best, x) => (cmp(x, best) * sign > 0 ? x : best));
};

function toNumeric(v: Value): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?)\s*$/.test(v)) return v.includes('.') || /e/i.test(v) ? Number(v) : BigInt(v.trim());
  return undefined;
}

const index: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 1, 2);
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

// ---------------------------------------------------------------- numbers

const numberFn = (fn: (n: number) => number, keepInt: boolean): PuppetFunction => (ctx, args) => {
  expectArgs(ctx, args, 1);
  const v = args[0];
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    const r = fn(v);
    return keepInt ? r : BigInt(r);
  }
  throw fail(ctx, `'${ctx.name}' parameter 'val' expects a Numeric value, got ${describeArg(v)}`);
};

const abs: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1);
  const v = args[0];
  if (typeof v === 'bigint') return v < 0n ? -v : v;
  if (typeof v === 'number') return Math.abs(v);
  const n = typeof v === 'string' ? toNumeric(v) : undefined;
  if (n === undefined) throw fail(ctx, `'abs' parameter 'val' expects a Numeric value, got ${describeArg(v)}`);
  return typeof n === 'bigint' ? (n < 0n ? -n : n) : Math.abs(n);
};

// ---------------------------------------------------------------- types

const typeFn: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1, 2);
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
  if (parsed.diagnostics.some((d) => d.severity === 'error') || parsed.program.body.length !== 1 || !expr) {
    throw fail(ctx, `'${text}' is not a type`);
  }
  const t = ctx.evaluate(expr);
  if (!isType(t)) throw fail(ctx, `'${text}' is not a type`);
  return t;
}

const assertType: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 2);
  let t = args[0];
  if (typeof t === 'string') t = parseTypeString(ctx, t);
  if (!isType(t)) throw fail(ctx, `'assert_type' parameter 'type' expects a Type value, got ${describeArg(t)}`);
  if (t.isInstance(args[1])) return args[1];
  if (lambda) return lambda.call([t, inferType(args[1])]);
  throw fail(ctx, `assert_type(): ${describeMismatch(t, args[1])}`);
};

// ---------------------------------------------------------------- conversions (new)

function toInteger(ctx: CallContext, v: Value, radix?: number): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]+|\d+)$/.exec(s);
    if (m && radix === undefined) {
      const body = m[2];
      const n = /^0[xX]/.test(body) ? BigInt(body) : /^0[bB]/.test(body) ? BigInt(body) : /^0[0-7]+$/.test(body) ? BigInt('0o' + body.slice(1)) : BigInt(body);
      return m[1] === '-' ? -n : n;
    }
    if (radix !== undefined) {
      const digits = s.replace(/^([-+]?)0[xXbBoO]?/, '$1');
      const n = parseInt(digits || '0', radix);
      if (!Number.isNaN(n) && new RegExp(`^[-+]?[0-9a-z]+$`, 'i').test(digits)) return BigInt(n);
    }
    const f = /^[-+]?\d+\.\d+([eE][-+]?\d+)?$/.test(s) ? Number(s) : NaN;
    if (!Number.isNaN(f)) return BigInt(Math.trunc(f));
  }
  throw fail(ctx, `The string '${formatValue(v)}' cannot be converted to Integer`);
}

function toFloat(ctx: CallContext, v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(s)) return Number(BigInt(s));
    if (/^[-+]?(\d+(\.\d+)?([eE][-+]?\d+)?|\.\d+)$/.test(s)) return Number(s);
  }
  throw fail(ctx, `The string '${formatValue(v)}' cannot be converted to Float`);
}

export function convert(ctx: CallContext, type: PType, args: Value[]): Value {
  const t = type instanceof TypeAliasType ? type.resolved : type;
  const v = args[0];
  let result: Value;
  if (t instanceof OptionalType) return v === undefined ? undefined : convert(ctx, t.type, args);
  if (t instanceof IntegerType) {
    const radix = typeof args[1] === 'bigint' ? Number(args[1]) : undefined;
    result = toInteger(ctx, v, radix);
  } else if (t instanceof FloatType) {
    result = toFloat(ctx, v);
  } else if (t === Numeric) {
    if (typeof v === 'bigint' || typeof v === 'number') result = v;
    else if (typeof v === 'boolean') result = v ? 1n : 0n;
    else {
      const n = typeof v === 'string' ? toNumeric(v.trim()) ?? (/^[-+]?0[xX][0-9a-fA-F]+$/.test(v.trim()) ? BigInt(v.trim()) : undefined) : undefined;
      if (n === undefined) throw ctx.error('KSP-EVAL-004', `The value '${formatValue(v)}' cannot be converted to Numeric.`);
      result = n;
    }
  } else if (t instanceof StringType) {
    if (typeof v === 'string') result = v;
    else if (args.length > 1 && typeof args[1] === 'string' && (typeof v === 'bigint' || typeof v === 'number')) result = sprintf(args[1], [v]);
    else result = formatValue(v);
  } else if (t instanceof BooleanType) {
    if (typeof v === 'boolean') result = v;
    else if (typeof v === 'string' && /^(true|yes|y)$/i.test(v)) result = true;
    else if (typeof v === 'string' && /^(false|no|n|)$/i.test(v)) result = false;
    else if (typeof v === 'bigint') result = v !== 0n;
    else if (typeof v === 'number') result = v !== 0;
    else throw fail(ctx, `The value '${formatValue(v)}' cannot be converted to Boolean`);
  } else if (t instanceof ArrayType) {
    const wrap = args[1] === true;
    if (Array.isArray(v)) result = v;
    else if (wrap) result = [v];
    else if (v instanceof Map) result = [...v].map(([k, x]) => [k, x]);
    else if (typeof v === 'string') result = [...v];
    else if (typeof v === 'bigint') result = Array.from({ length: Number(v) }, (_x, i) => BigInt(i));
    else if (v instanceof IntegerType && v.min !== null && v.max !== null) result = Array.from({ length: Number(v.max - v.min + 1n) }, (_x, i) => v.min! + BigInt(i));
    else result = [v];
  } else if (t instanceof HashType) {
    if (v instanceof Map) result = v;
    else if (Array.isArray(v)) {
      const h = new Map<Value, Value>();
      if (v.every((x) => Array.isArray(x) && x.length === 2)) for (const x of v as Value[][]) h.set(x[0], x[1]);
      else for (let i = 0; i + 1 < v.length; i += 2) h.set(v[i], v[i + 1]);
      result = h;
    } else throw fail(ctx, `The value '${formatValue(v)}' cannot be converted to Hash`);
  } else if (t instanceof SensitiveType) {
    result = v instanceof PSensitive ? v : new PSensitive(v);
  } else if (t instanceof VariantType) {
    for (const member of t.types) {
      try {
        return convert(ctx, member, args);
      } catch { /* try the next */ }
    }
    throw fail(ctx, `The value '${formatValue(v)}' cannot be converted to ${t}`);
  } else if (t === Binary) {
    // Binary(str) reads base64 (format '%B' strict, '%b' lenient), '%s'/'%r' take the text's bytes.
    const fmt = typeof args[1] === 'string' ? args[1] : '%B';
    if (v instanceof PBinary) result = v;
    else if (typeof v === 'string') result = new PBinary(fmt === '%s' || fmt === '%r' ? Buffer.from(v, 'utf8') : Buffer.from(v, 'base64'));
    else if (Array.isArray(v) && v.every((x) => typeof x === 'bigint')) result = new PBinary(Uint8Array.from(v.map(Number)));
    else throw fail(ctx, `The value '${formatValue(v)}' cannot be converted to Binary`);
  } else if (t === Timestamp) {
    if (v === undefined) result = new PTimestamp(Date.now());
    else if (typeof v === 'bigint' || typeof v === 'number') result = new PTimestamp(Number(v) * 1000);
    else if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) result = new PTimestamp(Date.parse(v));
    else throw fail(ctx, `The value '${formatValue(v)}' cannot be converted to Timestamp`);
  } else if (t instanceof RegexpType) {
    result = v instanceof PRegexp ? v : new PRegexp(formatValue(v));
  } else if (t === Undef || t === Default) {
    result = t === Undef ? undefined : DEFAULT;
  } else {
    throw fail(ctx, `Creation of new instance of type '${t}' is not supported`);
  }
  if (!type.isInstance(result)) throw fail(ctx, `Converted value from ${t.name}.new() has wrong type, ${describeMismatch(type, result)}`);
  return result;
}

const newFn: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 1, Infinity);
  const t = args[0];
  if (!isType(t)) throw fail(ctx, `'new' parameter 'type' expects a Type value, got ${describeArg(t)}`);
  const v = convert(ctx, t, args.slice(1));
  return lambda ? lambda.call([v]) : v;
};

const convertTo: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 2, Infinity);
  const t = args[1];
  if (!isType(t)) throw fail(ctx, `'convert_to' parameter 'type' expects a Type value, got ${describeArg(t)}`);
  const v = convert(ctx, t, [args[0], ...args.slice(2)]);
  return lambda ? lambda.call([v]) : v;
};

const call: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 1, Infinity);
  return ctx.call(expectString(ctx, args[0], 'function_name'), args.slice(1), lambda);
};

const compare: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 2, 3);
  try {
    return BigInt(compareValues(args[0], args[1], args[2] !== false));
  } catch (e) {
    throw fail(ctx, `'compare' ${(e as Error).message}`);
  }
};

const getvar: PuppetFunction = (ctx, args) => {
  expectArgs(ctx, args, 1, 2);
  const [name, ...path] = expectString(ctx, args[0], 'variable').replace(/^\$/, '').split('.');
  let v = ctx.variable(name);
  for (const k of path) {
    if (v instanceof Map) v = v.get(k);
    else if (Array.isArray(v) && /^\d+$/.test(k)) v = v[Number(k)];
    else v = undefined;
  }
  return v === undefined && args.length > 1 ? args[1] : v;
};

const unwrap: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 1);
  const v = args[0] instanceof PSensitive ? args[0].value : args[0];
  return lambda ? lambda.call([v]) : v;
};

/** tree_each: every container and leaf of a nested structure, depth first, with its path. */
const treeEach: PuppetFunction = (ctx, args, lambda) => {
  expectArgs(ctx, args, 1, 2);
  const entries: Value[] = [];
  const visit = (v: Value, path: Value[]) => {
    if (!lambda) entries.push([path, v]);
    else if (lambda.parameters.length > 1) lambda.call([path, v]);
    else lambda.call([[path, v]]);
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, BigInt(i)]));
    else if (v instanceof Map) for (const [k, x] of v) visit(x, [...path, k]);
  };
  visit(args[0], []);
  // Without a block it is an iterator; as a value, its entries.
  return lambda ? args[0] : entries;
};

export const DATA_FUNCTIONS: [string, PuppetFunction][] = [
  ['split', split], ['join', join], ['sprintf', sprintfFn], ['regsubst', regsubst], ['versioncmp', versioncmpFn],
  ['match', match], ['upcase', stringFn((s) => s.toUpperCase())], ['downcase', stringFn((s) => s.toLowerCase())],
  ['capitalize', stringFn(capitalize)], ['strip', stringFn((s) => s.trim())], ['lstrip', stringFn((s) => s.trimStart())],
  ['rstrip', stringFn((s) => s.trimEnd())], ['chomp', stringFn((s) => s.replace(/\r?\n$|\r$/, ''))],
  ['chop', stringFn((s) => (s.endsWith('\r\n') ? s.slice(0, -2) : s.slice(0, -1)))],
  ['camelcase', stringFn((s) => s.split('_').map(capitalize).join(''))],
  ['snakecase', stringFn((s) => s.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/::/g, '/').toLowerCase())],
  ['sha1', digest('sha1')], ['sha256', digest('sha256')], ['md5', digest('md5')],
  ['length', length], ['size', length], ['empty', empty], ['keys', keys], ['values', values], ['sort', sort],
  ['unique', unique], ['flatten', flatten], ['dig', dig], ['min', minMax(-1)], ['max', minMax(1)], ['index', index],
  ['abs', abs], ['round', numberFn((n) => Math.sign(n) * Math.round(Math.abs(n)), false)], ['ceiling', numberFn(Math.ceil, false)], ['floor', numberFn(Math.floor, false)],
  ['type', typeFn], ['assert_type', assertType], ['new', newFn], ['convert_to', convertTo], ['call', call],
  ['compare', compare], ['getvar', getvar], ['unwrap', unwrap], ['tree_each', treeEach],
];
