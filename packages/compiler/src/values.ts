// Puppet values as JavaScript values.
//
//   Puppet      JavaScript
//   Undef       undefined
//   String      string
//   Integer     bigint          (Puppet keeps 1 and 1.0 apart; bigint vs number does too, and
//   Float       number           mixing them by accident throws instead of silently rounding)
//   Boolean     boolean
//   Default     DEFAULT         (a unique object)
//   Regexp      PRegexp
//   Array       Value[]
//   Hash        Map<Value, Value> (insertion ordered; keys compare by value for scalars)
//   Sensitive   PSensitive
//   Deferred    PDeferred       (a function call the agent makes: Deferred('join', [[1, 2], ':']))
//   SemVer      PSemVer, PSemVerRange (types/semver.ts)
//   URI         PURI            (types/uri.ts)
//   Binary      PBinary
//   Object      PObject         (an instance of an Object type: Error('boom'), Person('Ann', 30))
//   Iterator    PIterator       ([1, 2].reverse_each)
//   types       PType subclasses (types/), resource references included: File['/x']
//
// Values are treated as immutable once created: operations build new arrays and maps.
// The type system imports this file; this file names its types for the compiler only
// (`import type`), so there is no cycle at run time.
import { translateRubyRegExp } from '@kasper/catalog';
import type { PType } from './types/base.ts';
import { raise } from './messages.ts';
import type { ObjectType } from './types/objects.ts';
import { PTimespan, PTimestamp, secondsToNs } from './types/time.ts';
import { PSemVer, PSemVerRange } from './types/semver.ts';
import { PURI } from './types/uri.ts';

export { PTimespan, PTimestamp, PSemVer, PSemVerRange, PURI };

export type Value =
  | undefined
  | string
  | bigint
  | number
  | boolean
  | DefaultValue
  | PRegexp
  | PSensitive
  | PDeferred
  | PTimestamp
  | PTimespan
  | PBinary
  | PSemVer
  | PSemVerRange
  | PURI
  | PObject
  | PIterator
  | PType
  | CollectorValue
  | Value[]
  | Map<Value, Value>;

/**
 * What a collector expression (`File <| tag == 'x' |>`) evaluates to: the resources it will have
 * found by the end of compilation. Only relationships (`Package <| |> -> File <| |>`) look
 * inside; the compiler's collectors implement it.
 */
export interface CollectorValue {
  readonly isCollector: true;
}

export interface DefaultValue {
  readonly isDefault: true;
}

export const DEFAULT: DefaultValue = Object.freeze({ isDefault: true as const });

export class PRegexp {
  /** The pattern as written in Puppet (Ruby syntax). */
  readonly pattern: string;
  /** The pattern compiled for JavaScript (see toJsRegExp for the translation). */
  readonly regexp: RegExp;
  constructor(pattern: string) {
    const problem = rubyRegexpProblem(pattern);
    if (problem) throw raise('KSP-EVAL-055', { problem, pattern });
    this.pattern = pattern;
    this.regexp = toJsRegExp(pattern);
  }
  toString(): string {
    return `/${this.pattern}/`;
  }
}

/** Puppet's Binary: bytes, written as base64 in strings. */
export class PBinary {
  readonly bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }
  toString(): string {
    return Buffer.from(this.bytes).toString('base64');
  }
  equals(o: PBinary): boolean {
    return Buffer.compare(Buffer.from(this.bytes), Buffer.from(o.bytes)) === 0;
  }
}

/**
 * Puppet's Iterator: what `reverse_each` and `step` give without a lambda, a sequence the
 * iteration functions take. Kasper holds its elements (they are made from a finite collection).
 */
export class PIterator {
  readonly items: readonly Value[];
  /** The elements in the order of the collection it came from, which its type names them in. */
  readonly source: readonly Value[];
  constructor(items: readonly Value[], source: readonly Value[] = items) {
    this.items = items;
    this.source = source;
  }
}

/**
 * An instance of an Object type (types/objects.ts): its type and the values of its attributes
 * by name (every attribute the type initialises, defaults filled in).
 */
export class PObject {
  readonly type: ObjectType;
  readonly values: ReadonlyMap<string, Value>;
  constructor(type: ObjectType, values: ReadonlyMap<string, Value>) {
    this.type = type;
    this.values = values;
  }
}

export class PSensitive {
  readonly value: Value;
  constructor(value: Value) {
    this.value = value;
  }
  toString(): string {
    return 'Sensitive [value redacted]';
  }
}

/**
 * Puppet's Deferred: a call of the function `name` with `args` that the compiler does not make.
 * It goes into the catalog as rich data and the agent makes the call before applying
 * (a name starting with `$` reads that variable there, digging into it with the arguments).
 * `args` is undefined when none were given (`Deferred('f')`), which Puppet keeps apart from [].
 */
export class PDeferred {
  readonly name: string;
  readonly args: Value[] | undefined;
  constructor(name: string, args: Value[] | undefined) {
    this.name = name;
    this.args = args;
  }
}

/**
 * What Ruby's regexp compiler refuses in a pattern's structure, in its words: a parenthesis not
 * closed or not opened, a character class not closed. Escapes, character classes (nested, and
 * `]` first in one is literal) and comments are taken into account; a pattern in extended mode
 * is not checked. Nothing else is judged here (JavaScript's compiler is no judge of Ruby syntax).
 */
export function rubyRegexpProblem(pattern: string): string | undefined {
  if (/\(\?[a-z-]*x/.test(pattern)) return undefined;
  let parens = 0;
  let classes = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { i++; continue; }
    if (classes > 0) {
      if (c === '[') classes++;
      else if (c === ']') classes--;
      continue;
    }
    if (c === '[') {
      classes = 1;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++;
    } else if (c === '(') {
      if (pattern.startsWith('(?#', i)) {
        const end = pattern.indexOf(')', i);
        if (end < 0) return 'end pattern in group';
        i = end;
        continue;
      }
      parens++;
    } else if (c === ')') {
      if (parens === 0) return 'unmatched close parenthesis';
      parens--;
    }
  }
  if (classes > 0) return 'premature end of char-class';
  if (parens > 0) return 'end pattern with unmatched parenthesis';
  return undefined;
}

/**
 * A Puppet (Ruby) pattern as a JavaScript RegExp, translated by the catalog's
 * translateRubyRegExp. A translation JavaScript refuses matches its text literally: whether Ruby
 * would refuse the pattern is the caller's decision (rubyRegexpProblem, validate's rubyRegexp).
 */
export function toJsRegExp(pattern: string, extraFlags = ''): RegExp {
  const { source, flags } = translateRubyRegExp(pattern, extraFlags);
  try {
    return new RegExp(source, flags);
  } catch {
    return new RegExp(source.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags);
  }
}

export function isHash(v: Value): v is Map<Value, Value> {
  return v instanceof Map;
}

export function isArray(v: Value): v is Value[] {
  return Array.isArray(v);
}

/** Types are values; they carry `isType` so this test needs no import of the type system. */
export function isType(v: Value): v is PType {
  return typeof v === 'object' && v !== null && (v as { isType?: unknown }).isType === true;
}

export function isDefault(v: Value): v is DefaultValue {
  return v === DEFAULT;
}

/** Puppet's truthiness: only undef and false are false. */
export function isTruthy(v: Value): boolean {
  return v !== undefined && v !== false;
}

/** Builds a Hash from entries, as a Map. */
export function hashOf(entries: Iterable<[Value, Value]>): Map<Value, Value> {
  return new Map(entries);
}

/**
 * Puppet's `==`: strings compare case-insensitively, numbers by value whatever their kind,
 * arrays and hashes deeply, regexes by pattern, types structurally.
 */
export function puppetEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'string' && typeof b === 'string') return a.length === b.length && asciiLower(a) === asciiLower(b);
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    // eslint-disable-next-line eqeqeq
    return a == b;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => puppetEquals(x, b[i]));
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) {
      const other = hashGet(b, k);
      if (other === NOT_FOUND || !puppetEquals(v, other)) return false;
    }
    return true;
  }
  if (a instanceof PRegexp && b instanceof PRegexp) return a.pattern === b.pattern;
  if ((a instanceof PTimestamp && b instanceof PTimestamp) || (a instanceof PTimespan && b instanceof PTimespan)) return a.ns === b.ns;
  // A Timespan or Timestamp equals a Number of seconds (Puppet compares them as it orders them).
  if ((a instanceof PTimespan || a instanceof PTimestamp) && (typeof b === 'bigint' || typeof b === 'number')) return a.ns === secondsToNs(b);
  if ((b instanceof PTimespan || b instanceof PTimestamp) && (typeof a === 'bigint' || typeof a === 'number')) return b.ns === secondsToNs(a);
  // Two Sensitive values are equal when what they hide is (Puppet: Sensitive('a') == Sensitive('a')).
  if (a instanceof PSensitive && b instanceof PSensitive) return puppetEquals(a.value, b.value);
  if (a instanceof PDeferred && b instanceof PDeferred) {
    return a.name === b.name && (a.args === undefined || b.args === undefined ? a.args === b.args : puppetEquals(a.args, b.args));
  }
  if (isType(a) && isType(b)) return a.equals(b);
  if (a instanceof PSemVer && b instanceof PSemVer) return a.equals(b);
  if (a instanceof PSemVerRange && b instanceof PSemVerRange) return a.equals(b);
  if (a instanceof PURI && b instanceof PURI) return a.equals(b);
  if (a instanceof PBinary && b instanceof PBinary) return a.equals(b);
  // Objects are equal when of the same type with equal attributes (those of its `equality`).
  if (a instanceof PObject && b instanceof PObject) {
    return a.type === b.type && a.type.equalityNames.every((n) => puppetEquals(a.values.get(n), b.values.get(n)));
  }
  return false;
}

const NOT_FOUND = Symbol('not found');

/** Puppet compares strings case-insensitively in ASCII only (Ruby's casecmp): 'Ä' != 'ä'. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Looks a key up: scalars by value; arrays and hashes used as keys by deep equality. */
export function hashGet(h: Map<Value, Value>, key: Value): Value | typeof NOT_FOUND {
  if (h.has(key)) return h.get(key);
  if (typeof key === 'object' && key !== null) {
    for (const [k, v] of h) if (typeof k === 'object' && puppetEquals(k, key) && strictKeyEquals(k, key)) return v;
  }
  return NOT_FOUND;
}

/** Keys differ by case and by number kind (`'A'` and `'a'`, `1` and `1.0` are different keys). */
function strictKeyEquals(a: Value, b: Value): boolean {
  // Rich values' equality is already exact (Ruby's eql?).
  if (a instanceof PObject || a instanceof PSemVer || a instanceof PSemVerRange || a instanceof PURI || a instanceof PBinary) return true;
  return JSON.stringify(a, keyReplacer) === JSON.stringify(b, keyReplacer);
}

function keyReplacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Map) return [...v.entries()];
  return v;
}

export { NOT_FOUND };

/**
 * A string as Puppet reads it as a number where arithmetic wants one: blanks around, a sign,
 * then hex (`0xF7`), octal (a leading 0: `010` is 8, and `09` is no number), decimal, or a
 * float with a fraction or an exponent (`1.5`, `1e3`). Undefined when it is not a number.
 */
export function parseNumber(s: string): bigint | number | undefined {
  const m = /^[ \t]*([-+]?)[ \t]*(?:(0[xX][0-9A-Fa-f]+)|(\d+)((?:\.\d+)?(?:[eE]-?\d+)?))[ \t]*$/.exec(s);
  if (!m) return undefined;
  const neg = m[1] === '-';
  if (m[2]) return neg ? -BigInt(m[2]) : BigInt(m[2]);
  if (m[4]) {
    const f = Number(`${m[3]}${m[4]}`);
    return neg ? -f : f;
  }
  const digits = m[3];
  if (digits.length > 1 && digits.startsWith('0')) {
    if (!/^[0-7]+$/.test(digits)) return undefined;
    const n = BigInt(`0o${digits}`);
    return neg ? -n : n;
  }
  return neg ? -BigInt(digits) : BigInt(digits);
}
