// Puppet's operators on values: comparison and matching, arithmetic (Integers are 64-bit and
// checked), concatenation and removal on arrays and hashes, shifts, unary minus. `and`/`or`
// short-circuit, so the evaluator keeps them.
import type * as A from '@kasper/language';
import { errorAt, type Frame } from './frame.ts';
import { describe } from './types/index.ts';
import { secondsToNs } from './types/time.ts';
import { compareVersions, isVersionText, parseVersion } from './types/semver.ts';
import { URI_PARTS, resolveUri, parseUri } from './types/uri.ts';
import { ERROR_TYPE } from './types/objects.ts';
import { NOT_FOUND, PBinary, PObject, PRegexp, PSemVer, PSemVerRange, PTimespan, PTimestamp, PURI, isType, parseNumber, puppetEquals, type Value } from './values.ts';

/** A binary operator other than `and`/`or`, on evaluated operands. */
export function binaryOperation(op: Exclude<A.BinaryExpression['operator'], 'and' | 'or'>, left: Value, right: Value, frame: Frame, e: A.Range): Value {
  switch (op) {
    case '==': return puppetEquals(left, right);
    case '!=': return !puppetEquals(left, right);
    case '=~': return match(left, right, frame, e);
    case '!~': return !match(left, right, frame, e);
    case 'in': return isIn(left, right, frame);
    case '<': case '<=': case '>': case '>=': return compare(op, left, right, frame, e);
    case '+': return plus(left, right, frame, e);
    case '-': return minus(left, right, frame, e);
    case '*': case '/': case '%': return arithmetic(op, left, right, frame, e);
    case '<<': return shift('<<', left, right, frame, e);
    case '>>': return shift('>>', left, right, frame, e);
  }
}

/** Unary minus: numbers, and strings that are numbers. */
export function negate(v: Value, frame: Frame, e: A.Range): Value {
  if (typeof v === 'bigint' || typeof v === 'number') return -v;
  if (v instanceof PTimespan) return new PTimespan(-v.ns);
  if (typeof v === 'string') {
    const n = toNumber(v);
    if (n !== undefined) return -n;
  }
  throw errorAt('KSP-EVAL-028', { value: describe(v) }, frame, e);
}

/** `=~`: a regex (or a string taken as one) against a string, or a type against any value. */
export function match(left: Value, right: Value, frame: Frame, e: A.Range): boolean {
  if (isType(right)) return right.isInstance(left);
  if (right instanceof PSemVerRange) return inRange(right, left);
  let re: RegExp;
  if (right instanceof PRegexp) re = right.regexp;
  else if (typeof right === 'string') re = new PRegexp(right).regexp;
  else throw errorAt('KSP-EVAL-029', { value: describe(right) }, frame, e);
  if (typeof left !== 'string') {
    throw errorAt('KSP-EVAL-030', { value: describe(left) }, frame, e);
  }
  const m = re.exec(left);
  // A failed match leaves $0, $1 … as they were (Puppet sets them only on a match).
  if (m) frame.scope.setMatch([...m].map((x) => x ?? undefined));
  return m !== null;
}

/**
 * What `.name` reads on a value without calling a function of that name: an Object's attribute
 * (Error's message() is its msg), a URI's part. NOT_FOUND for everything else.
 */
export function readMember(receiver: Value, name: string): Value | typeof NOT_FOUND {
  if (receiver instanceof PObject) {
    if (receiver.type === ERROR_TYPE && name === 'message') return receiver.values.get('msg');
    return receiver.type.read(receiver, name);
  }
  if (receiver instanceof PURI && (URI_PARTS as readonly string[]).includes(name)) return receiver.part(name as (typeof URI_PARTS)[number]);
  return NOT_FOUND;
}

/** A case option that is a SemVer or a SemVerRange matches as `=~` does; undefined for other options. */
export function versionCaseMatch(option: Value, value: Value): boolean | undefined {
  if (option instanceof PSemVerRange) return inRange(option, value);
  if (option instanceof PSemVer) return sameVersion(option, value);
  return undefined;
}

/** A SemVer (or a String that is one) in a range; anything else is not. */
function inRange(range: PSemVerRange, v: Value): boolean {
  if (v instanceof PSemVer) return range.includes(v);
  if (typeof v === 'string' && isVersionText(v)) {
    try {
      return range.includes(parseVersion(v));
    } catch {
      return false;
    }
  }
  return false;
}

/** The same version, a String read as one (`'1.0.0' in [SemVer('1.0.0')]`). */
function sameVersion(version: PSemVer, v: Value): boolean {
  if (v instanceof PSemVer) return version.equals(v);
  if (typeof v === 'string' && isVersionText(v)) {
    try {
      return version.equals(parseVersion(v));
    } catch {
      return false;
    }
  }
  return false;
}

function isIn(left: Value, right: Value, frame: Frame): boolean {
  if (right instanceof PSemVerRange) return inRange(right, left);
  // In a Binary: a Binary or a String as bytes, or a byte value.
  if (right instanceof PBinary) {
    const hay = Buffer.from(right.bytes);
    if (left instanceof PBinary) return hay.includes(Buffer.from(left.bytes));
    if (typeof left === 'string') return hay.includes(Buffer.from(left, 'utf8'));
    if (typeof left === 'bigint' || typeof left === 'number') return [...right.bytes].some((b) => b === Number(left));
    return false;
  }
  // A regex that matches sets $0, $1 … as =~ does (`/(ana)/ in 'bananas'` gives $1 = 'ana').
  const regexMatches = (re: RegExp, s: string) => {
    const m = re.exec(s);
    if (m) frame.scope.setMatch([...m].map((x) => x ?? undefined));
    return m !== null;
  };
  if (typeof right === 'string') {
    if (typeof left === 'string') return right.toLowerCase().includes(left.toLowerCase());
    if (left instanceof PRegexp) return regexMatches(left.regexp, right);
    return false;
  }
  const matches = (x: Value) => {
    if (left instanceof PRegexp) return typeof x === 'string' && regexMatches(left.regexp, x);
    if (isType(left)) return left.isInstance(x);
    // A version or a string finds the versions and ranges it matches.
    if ((left instanceof PSemVer || typeof left === 'string') && Array.isArray(right)) {
      if (x instanceof PSemVer) return sameVersion(x, left);
      if (x instanceof PSemVerRange) return inRange(x, left);
    }
    return puppetEquals(left, x);
  };
  if (Array.isArray(right)) return right.some(matches);
  if (right instanceof Map) return [...right.keys()].some(matches);
  return false;
}

function compare(op: '<' | '<=' | '>' | '>=', l: Value, r: Value, frame: Frame, e: A.Range): boolean {
  let c: number;
  const lt = timeNs(l);
  const rt = timeNs(r);
  if (lt !== undefined && rt !== undefined && (isNumeric(l) || isNumeric(r) || (l as object).constructor === (r as object).constructor)) {
    c = lt < rt ? -1 : lt > rt ? 1 : 0;
  } else if (isNumeric(l) && isNumeric(r)) {
    c = l < r ? -1 : l > r ? 1 : 0;
  } else if (l instanceof PSemVer && r instanceof PSemVer) {
    c = compareVersions(l, r);
  } else if (typeof l === 'string' && typeof r === 'string') {
    const a = l.toLowerCase();
    const b = r.toLowerCase();
    c = a < b ? -1 : a > b ? 1 : 0;
  } else if (isType(l) && isType(r)) {
    // Types compare by assignability: A < B when A is a strict subtype of B.
    switch (op) {
      case '<': return r.isAssignable(l) && !l.equals(r);
      case '<=': return r.isAssignable(l);
      case '>': return l.isAssignable(r) && !l.equals(r);
      case '>=': return l.isAssignable(r);
    }
  } else {
    throw errorAt('KSP-EVAL-031', { left: describe(l), operator: op, right: describe(r) }, frame, e);
  }
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

function plus(l: Value, r: Value, frame: Frame, e: A.Range): Value {
  if (l instanceof PBinary && r instanceof PBinary) return new PBinary(Buffer.concat([Buffer.from(l.bytes), Buffer.from(r.bytes)]));
  // A URI plus a relative reference (a String or a URI) is the URI it leads to.
  if (l instanceof PURI && (typeof r === 'string' || r instanceof PURI)) {
    try {
      return resolveUri(l, typeof r === 'string' ? parseUri(r) : r);
    } catch (err) {
      throw errorAt('KSP-EVAL-034', { value: describe(r), operator: '+' }, frame, e);
    }
  }
  if (Array.isArray(l)) {
    if (Array.isArray(r)) return [...l, ...r];
    if (r instanceof Map) return [...l, ...[...r.entries()].map(([k, v]) => [k, v])];
    return [...l, r];
  }
  if (l instanceof Map) {
    const out = new Map(l);
    if (r instanceof Map) {
      for (const [k, v] of r) out.set(k, v);
      return out;
    }
    if (Array.isArray(r)) {
      const pairs = r.length === 2 && !Array.isArray(r[0]) ? [r] : r;
      for (const p of pairs) {
        if (!Array.isArray(p) || p.length !== 2) throw errorAt('KSP-EVAL-032', {}, frame, e);
        out.set(p[0], p[1]);
      }
      return out;
    }
    throw errorAt('KSP-EVAL-033', { value: describe(r) }, frame, e);
  }
  return arithmetic('+', l, r, frame, e);
}

function minus(l: Value, r: Value, frame: Frame, e: A.Range): Value {
  if (Array.isArray(l)) {
    const remove = Array.isArray(r) ? r : r instanceof Map ? [...r.entries()].map(([k, v]) => [k, v]) : [r];
    // Removal compares exactly (Ruby's eql?): 'B' is not removed by 'b'.
    return l.filter((x) => !remove.some((y) => exactEquals(x, y)));
  }
  if (l instanceof Map) {
    const keys = r instanceof Map ? [...r.keys()] : Array.isArray(r) ? r : [r];
    const out = new Map(l);
    for (const [k] of l) if (keys.some((x) => puppetEquals(x, k))) out.delete(k);
    return out;
  }
  return arithmetic('-', l, r, frame, e);
}

function arithmetic(op: '+' | '-' | '*' | '/' | '%', l0: Value, r0: Value, frame: Frame, e: A.Range): Value {
  if (l0 instanceof PTimestamp || l0 instanceof PTimespan || r0 instanceof PTimestamp || r0 instanceof PTimespan) return timeArithmetic(op, l0, r0, frame, e);
  const l = typeof l0 === 'string' ? toNumber(l0) : l0;
  const r = typeof r0 === 'string' ? toNumber(r0) : r0;
  if (!isNumeric(l) || !isNumeric(r)) {
    const bad = isNumeric(l) ? r0 : l0;
    throw errorAt('KSP-EVAL-034', { value: describe(bad), operator: op }, frame, e);
  }
  if (typeof l === 'bigint' && typeof r === 'bigint') {
    switch (op) {
      case '+': return checkInteger(l + r, frame, e);
      case '-': return checkInteger(l - r, frame, e);
      case '*': return checkInteger(l * r, frame, e);
      case '/':
        if (r === 0n) throw errorAt('KSP-EVAL-035', {}, frame, e);
        // Ruby's integer division floors.
        return (l / r) - ((l % r !== 0n && (l < 0n) !== (r < 0n)) ? 1n : 0n);
      case '%':
        if (r === 0n) throw errorAt('KSP-EVAL-035', {}, frame, e);
        return ((l % r) + r) % r;
    }
  }
  if (op === '%') throw errorAt('KSP-EVAL-036', {}, frame, e);
  const a = Number(l);
  const b = Number(r);
  let v: number;
  switch (op) {
    case '+': v = a + b; break;
    case '-': v = a - b; break;
    case '*': v = a * b; break;
    case '/':
      if (b === 0 && typeof r === 'bigint') throw errorAt('KSP-EVAL-035', {}, frame, e);
      v = a / b;
      break;
  }
  // Puppet has no infinite or not-a-number Float: 1.0e300 * 1.0e300 and 1.0 / 0 are errors.
  if (!Number.isFinite(v)) throw errorAt('KSP-EVAL-051', { operator: op, value: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' }, frame, e);
  return v;
}

function shift(op: '<<' | '>>', l: Value, r: Value, frame: Frame, e: A.Range): Value {
  if (op === '<<' && Array.isArray(l)) return [...l, r];
  if (typeof l === 'bigint' && typeof r === 'bigint') {
    const n = r < 0n ? -r : r;
    const left = op === '<<' ? r >= 0n : r < 0n;
    return checkInteger(left ? l << n : l >> n, frame, e);
  }
  throw errorAt('KSP-EVAL-004', { operator: op, value: describe(l) }, frame, e);
}

/** Equality without Puppet's case folding of strings. */
function exactEquals(a: Value, b: Value): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return puppetEquals(a, b);
}

function isNumeric(v: Value): v is bigint | number {
  return typeof v === 'bigint' || typeof v === 'number';
}

/** Puppet converts numeric strings in arithmetic: '10' → 10, '1.5' → 1.5, '0x1F' → 31, '010' → 8. */
const toNumber = parseNumber;

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

function checkInteger(v: bigint, frame: Frame, e: A.Range): bigint {
  if (v > INT64_MAX || v < INT64_MIN) throw errorAt('KSP-EVAL-037', { value: v }, frame, e);
  return v;
}

/** A Timestamp's or Timespan's nanoseconds, a Number's seconds as nanoseconds (what they compare by). */
function timeNs(v: Value): bigint | undefined {
  if (v instanceof PTimestamp || v instanceof PTimespan) return v.ns;
  if (isNumeric(v)) return secondsToNs(v);
  return undefined;
}

/**
 * Puppet 7's time arithmetic: Timespan ± Timespan/Number, Timestamp ± Timespan/Number,
 * Timespan + Timestamp, Timestamp - Timestamp (a Timespan), Timespan * / Number.
 */
function timeArithmetic(op: '+' | '-' | '*' | '/' | '%', l: Value, r: Value, frame: Frame, e: A.Range): Value {
  const rNs = r instanceof PTimespan || isNumeric(r) ? timeNs(r)! : undefined;
  if (l instanceof PTimestamp) {
    if (op === '+' && rNs !== undefined) return new PTimestamp(l.ns + rNs);
    if (op === '-' && rNs !== undefined) return new PTimestamp(l.ns - rNs);
    if (op === '-' && r instanceof PTimestamp) return new PTimespan(l.ns - r.ns);
    if (op === '+' && r instanceof PTimestamp) throw errorAt('KSP-EVAL-034', { value: describe(r), operator: op }, frame, e);
  } else if (l instanceof PTimespan) {
    if (op === '+' && r instanceof PTimestamp) return new PTimestamp(l.ns + r.ns);
    if ((op === '+' || op === '-') && rNs !== undefined) return new PTimespan(op === '+' ? l.ns + rNs : l.ns - rNs);
    if ((op === '*' || op === '/') && isNumeric(r)) {
      if (op === '/' && Number(r) === 0) throw errorAt('KSP-EVAL-035', {}, frame, e);
      if (typeof r === 'bigint') return new PTimespan(op === '*' ? l.ns * r : l.ns / r);
      return new PTimespan(BigInt(Math.round(op === '*' ? Number(l.ns) * r : Number(l.ns) / r)));
    }
    // Timespan % n is the whole seconds modulo n (an Integer, as Puppet 7 answers).
    if (op === '%' && isNumeric(r)) return arithmetic('%', l.ns / 1_000_000_000n, r, frame, e);
    if (op === '/' && r instanceof PTimespan) {
      if (r.ns === 0n) throw errorAt('KSP-EVAL-035', {}, frame, e);
      return Number(l.ns) / Number(r.ns);
    }
  }
  const bad = l instanceof PTimestamp || l instanceof PTimespan ? (isNumeric(r) || r instanceof PTimespan ? l : r) : l;
  throw errorAt('KSP-EVAL-034', { value: describe(bad), operator: op }, frame, e);
}
