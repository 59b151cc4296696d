// Puppet's SemVer and SemVerRange values (Puppet 7 takes them from the semantic_puppet gem):
// versions as semver.org orders them, and npm-style ranges ('>=1.0.0 <2.0.0', '~1.2', '^1',
// '1.x', '1.0.0 - 2.0.0', '1.x || 3.x'). A range keeps the text it was made from, which is
// what Puppet prints, even where that text is odd: SemVerRange(min, max) prints 'max - min',
// as Puppet 7 does. Imports only the message catalogue.
import { raise } from '../messages.ts';

export type PrereleasePart = string | bigint;

const NUMERIC = '(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)';
const PRE = '(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?';
const BUILD = '(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?';
/** A whole version string (Ruby's \Z: a final newline may follow). */
const VERSION_RE = new RegExp(`^${NUMERIC}${PRE}${BUILD}\\n?$`);
/** The pattern SemVer.new takes a string by, as Puppet prints it in its errors. */
export const SEMVER_PATTERN_TEXT = `\\A${NUMERIC}${PRE}${BUILD}\\Z`;

/** A semantic version: major.minor.patch, an optional prerelease and build. */
export class PSemVer {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** null: none; [] only for the lowest version there is (printed `0.0.0-`). */
  readonly prerelease: readonly PrereleasePart[] | null;
  readonly build: readonly string[] | null;
  /** The highest version (semantic_puppet's Infinity.0.0), an open range's end. */
  readonly infinite: boolean;
  constructor(major: bigint, minor: bigint, patch: bigint, prerelease: readonly PrereleasePart[] | null = null, build: readonly string[] | null = null, infinite = false) {
    this.major = major;
    this.minor = minor;
    this.patch = patch;
    this.prerelease = prerelease;
    this.build = build;
    this.infinite = infinite;
  }
  get stable(): boolean {
    return this.prerelease === null || this.prerelease.length === 0;
  }
  /** The version after this one in `part` (the rest reset to 0, no prerelease). */
  next(part: 'major' | 'minor' | 'patch'): PSemVer {
    if (part === 'major') return new PSemVer(this.major + 1n, 0n, 0n);
    if (part === 'minor') return new PSemVer(this.major, this.minor + 1n, 0n);
    return new PSemVer(this.major, this.minor, this.patch + 1n);
  }
  toString(): string {
    let s = `${this.infinite ? 'Infinity' : this.major}.${this.minor}.${this.patch}`;
    if (this.prerelease !== null) s += `-${this.prerelease.join('.')}`;
    if (this.build !== null) s += `+${this.build.join('.')}`;
    return s;
  }
  /** Ruby's eql?: the same version, prerelease and build. */
  equals(o: PSemVer): boolean {
    return compareVersions(this, o) === 0 && sameParts(this.prerelease, o.prerelease) && sameParts(this.build, o.build);
  }
}

function sameParts(a: readonly PrereleasePart[] | null, b: readonly PrereleasePart[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const SEMVER_MIN = new PSemVer(0n, 0n, 0n, []);
export const SEMVER_MAX = new PSemVer(0n, 0n, 0n, null, null, true);

/** Orders versions as semver.org does: numbers, then a prerelease below its release. */
export function compareVersions(a: PSemVer, b: PSemVer): number {
  if (a.infinite || b.infinite) return a.infinite === b.infinite ? 0 : a.infinite ? 1 : -1;
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  const x = a.prerelease;
  const y = b.prerelease;
  if (x === null) return y === null ? 0 : 1;
  if (y === null) return -1;
  for (let i = 0; i < x.length; i++) {
    if (i >= y.length) return 1;
    const p = x[i];
    const q = y[i];
    // A numeric identifier is lower than an alphanumeric one; strings compare by their bytes.
    const c = typeof p === 'bigint' ? (typeof q === 'bigint' ? (p < q ? -1 : p > q ? 1 : 0) : -1)
      : typeof q === 'bigint' ? 1 : p < q ? -1 : p > q ? 1 : 0;
    if (c !== 0) return c;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

function parsePrerelease(s: string | undefined): PrereleasePart[] | null {
  if (s === undefined) return null;
  return s.split('.').map((x) => {
    if (!/^\d+$/.test(x)) return x;
    if (x.length > 1 && x.startsWith('0')) throw raise('KSP-RICH-002', { text: s });
    return BigInt(x);
  });
}

function parseBuild(s: string | undefined): string[] | null {
  return s === undefined ? null : s.split('.');
}

/** Whether `text` is a version SemVer.new takes (its pattern). */
export function isVersionText(text: string): boolean {
  return VERSION_RE.test(text);
}

/** A version from its text ('1.2.3-rc.1+b5'); throws KSP-RICH-001 when it is not one. */
export function parseVersion(text: string): PSemVer {
  const m = VERSION_RE.exec(text);
  if (!m) throw raise('KSP-RICH-001', { text });
  return new PSemVer(BigInt(m[1]), BigInt(m[2]), BigInt(m[3]), parsePrerelease(m[4]), parseBuild(m[5]));
}

export function makeVersion(major: bigint, minor: bigint, patch: bigint, prerelease?: string, build?: string): PSemVer {
  return new PSemVer(major, minor, patch, parsePrerelease(prerelease), parseBuild(build));
}

// ---------------------------------------------------------------- ranges

/**
 * One range of versions: everything (`*`), a comparison with one version (`>1.0.0`, `>=`, `<`,
 * `<=`, `=`), or the versions between a lower and an upper comparison.
 */
type Bound = { kind: 'all' } | { kind: 'gt' | 'gteq' | 'lt' | 'lteq' | 'eq'; v: PSemVer } | { kind: 'minmax'; min: Bound; max: Bound };

const ALL: Bound = { kind: 'all' };
const NOTHING: Bound = { kind: 'lt', v: SEMVER_MIN };

function rBegin(r: Bound): PSemVer {
  switch (r.kind) {
    case 'gt': case 'gteq': case 'eq': return r.v;
    case 'minmax': return rBegin(r.min);
    default: return SEMVER_MIN;
  }
}
function rEnd(r: Bound): PSemVer {
  switch (r.kind) {
    case 'lt': case 'lteq': case 'eq': return r.v;
    case 'minmax': return rEnd(r.max);
    default: return SEMVER_MAX;
  }
}
const exclBegin = (r: Bound): boolean => (r.kind === 'minmax' ? exclBegin(r.min) : r.kind === 'gt');
const exclEnd = (r: Bound): boolean => (r.kind === 'minmax' ? exclEnd(r.max) : r.kind === 'lt');
function lowerBound(r: Bound): boolean {
  if (r.kind === 'minmax') return lowerBound(r.min);
  if (r.kind === 'gt') return true;
  if (r.kind === 'gteq' || r.kind === 'eq') return !r.v.equals(SEMVER_MIN);
  return false;
}
function upperBound(r: Bound): boolean {
  if (r.kind === 'minmax') return upperBound(r.max);
  if (r.kind === 'lt') return true;
  if (r.kind === 'lteq' || r.kind === 'eq') return !r.v.equals(SEMVER_MAX);
  return false;
}
function includes(r: Bound, v: PSemVer): boolean {
  switch (r.kind) {
    case 'all': return true;
    case 'gt': return compareVersions(v, r.v) > 0;
    case 'gteq': return compareVersions(v, r.v) >= 0;
    case 'lt': return compareVersions(v, r.v) < 0;
    case 'lteq': return compareVersions(v, r.v) <= 0;
    case 'eq': return v.equals(r.v);
    case 'minmax': return includes(r.min, v) && includes(r.max, v);
  }
}
/** Whether the range takes prereleases of `v`'s major.minor.patch (only where it names one). */
function testPrerelease(r: Bound, v: PSemVer): boolean {
  if (r.kind === 'all') return true;
  if (r.kind === 'minmax') return testPrerelease(r.min, v) || testPrerelease(r.max, v);
  return !r.v.stable && r.v.major === v.major && r.v.minor === v.minor && r.v.patch === v.patch;
}
function boundText(r: Bound): string {
  switch (r.kind) {
    case 'all': return '*';
    case 'gt': return `>${r.v}`;
    case 'gteq': return `>=${r.v}`;
    case 'lt': return r === NOTHING ? '<0.0.0' : `<${r.v}`;
    case 'lteq': return `<=${r.v}`;
    case 'eq': return String(r.v);
    case 'minmax': return `${boundText(r.min)} ${boundText(r.max)}`;
  }
}
function sameBound(a: Bound, b: Bound): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'minmax') return sameBound(a.min, (b as typeof a).min) && sameBound(a.max, (b as typeof a).max);
  if (a.kind === 'all') return true;
  return a.v.equals((b as { v: PSemVer }).v);
}
function minmax(min: Bound, max: Bound): Bound {
  return { kind: 'minmax', min: min.kind === 'minmax' ? min.min : min, max: max.kind === 'minmax' ? max.max : max };
}

/** The versions in both ranges, or null when none are. */
function intersect(a: Bound, b: Bound): Bound | null {
  if (a.kind === 'all') return b;
  let c = compareVersions(rBegin(a), rEnd(b));
  if (c > 0) return null;
  if (c === 0) return exclBegin(a) || exclEnd(b) ? null : { kind: 'eq', v: rBegin(a) };
  c = compareVersions(rBegin(b), rEnd(a));
  if (c > 0) return null;
  if (c === 0) return exclBegin(b) || exclEnd(a) ? null : { kind: 'eq', v: rBegin(b) };
  c = compareVersions(rBegin(a), rBegin(b));
  const min = c < 0 ? b : c > 0 ? a : exclBegin(a) ? a : b;
  c = compareVersions(rEnd(a), rEnd(b));
  const max = c > 0 ? b : c < 0 ? a : exclEnd(a) ? a : b;
  if (!upperBound(max)) return min;
  if (!lowerBound(min)) return max;
  return minmax(min, max);
}

function create(ranges: Bound[]): Bound | null {
  let acc: Bound | null = ranges[0];
  for (const r of ranges.slice(1)) acc = acc === null ? null : intersect(acc, r);
  return acc;
}

function fromTo(a: Bound, b: Bound): Bound | null {
  return create([
    exclBegin(a) ? { kind: 'gt', v: rBegin(a) } : { kind: 'gteq', v: rBegin(a) },
    exclEnd(b) ? { kind: 'lt', v: rEnd(b) } : { kind: 'lteq', v: rEnd(b) },
  ]);
}

/** The versions in either range when they overlap or touch, else null (`a || b` stays two). */
function union(a: Bound, b: Bound): Bound | null {
  if (a.kind === 'all') return a;
  if (includes(a, rBegin(b)) || includes(b, rBegin(a))) {
    let c = compareVersions(rBegin(a), rBegin(b));
    const min = c < 0 ? rBegin(a) : c > 0 ? rBegin(b) : rBegin(a);
    const exclB = c < 0 ? exclBegin(a) : c > 0 ? exclBegin(b) : exclBegin(a) && exclBegin(b);
    c = compareVersions(rEnd(a), rEnd(b));
    const max = c >= 0 ? rEnd(a) : rEnd(b);
    const exclE = c > 0 ? exclEnd(a) : c < 0 ? exclEnd(b) : exclEnd(a) && exclEnd(b);
    return create([exclB ? { kind: 'gt', v: min } : { kind: 'gteq', v: min }, exclE ? { kind: 'lt', v: max } : { kind: 'lteq', v: max }]);
  }
  if (exclEnd(a) && !exclBegin(b) && rEnd(a).equals(rBegin(b))) return fromTo(a, b);
  if (exclEnd(b) && !exclBegin(a) && rEnd(b).equals(rBegin(a))) return fromTo(b, a);
  if (!exclEnd(a) && !exclBegin(b) && rEnd(a).next('patch').equals(rBegin(b))) return fromTo(a, b);
  if (!exclEnd(b) && !exclBegin(a) && rEnd(b).next('patch').equals(rBegin(a))) return fromTo(b, a);
  return null;
}

/** Merges what can be merged, as semantic_puppet does (the last range first). */
function mergeAll(input: Bound[], merge: (a: Bound, b: Bound) => Bound | null): Bound[] {
  let ranges = [...input];
  let merged = true;
  while (ranges.length > 1 && merged) {
    merged = false;
    const result: Bound[] = [];
    while (ranges.length > 0) {
      const unmerged: Bound[] = [];
      let memo = ranges.pop()!;
      for (const y of ranges) {
        const m = merge(memo, y);
        if (m === null) unmerged.push(y);
        else { merged = true; memo = m; }
      }
      result.push(memo);
      ranges = unmerged;
    }
    ranges = result.reverse();
  }
  return ranges;
}

/** A range of versions (Puppet's SemVerRange): one or more ranges, and the text it prints. */
export class PSemVerRange {
  readonly ranges: readonly Bound[];
  readonly text: string;
  constructor(ranges: Bound[], text: string | null) {
    const compact = mergeAll(ranges, union);
    this.ranges = compact.length ? compact : [NOTHING];
    this.text = text ?? this.ranges.map(boundText).join(' || ');
  }
  /** `min` to `max` (semantic_puppet's Range-like constructor, and the text it gives that). */
  static between(min: PSemVer, max: PSemVer, excludeMax: boolean): PSemVerRange {
    const r = create([{ kind: 'gteq', v: min }, excludeMax ? { kind: 'lt', v: max } : { kind: 'lteq', v: max }]);
    return new PSemVerRange(r ? [r] : [], excludeMax ? `>=${max} <${min}` : `${max} - ${min}`);
  }
  includes(v: PSemVer): boolean {
    return this.ranges.some((r) => includes(r, v) && (v.stable || testPrerelease(r, v)));
  }
  /** The first version in it, when it is one range (null for `a || b`). */
  get begin(): PSemVer | null {
    return this.ranges.length === 1 ? rBegin(this.ranges[0]) : null;
  }
  get end(): PSemVer | null {
    return this.ranges.length === 1 ? rEnd(this.ranges[0]) : null;
  }
  get excludeEnd(): boolean {
    return this.ranges.length === 1 && exclEnd(this.ranges[0]);
  }
  equals(o: PSemVerRange): boolean {
    return this.ranges.length === o.ranges.length && this.ranges.every((r, i) => sameBound(r, o.ranges[i]));
  }
  toString(): string {
    return this.text;
  }
}

const PART = '(?:[0-9A-Za-z-]+)';
const PARTS = `${PART}(?:\\.${PART})*`;
const XR = '(?:x|X|\\*|0|[1-9][0-9]*)';
const PARTIAL = `${XR}(?:\\.${XR}(?:\\.${XR}(?:-${PARTS})?(?:\\+${PARTS})?)?)?`;
const SIMPLE_RE = new RegExp(`^([<>=~^]|<=|>=|~>|~=)?(${PARTIAL})$`);
const HYPHEN_RE = new RegExp(`^(${PARTIAL})\\s+-\\s+(${PARTIAL})$`);
const PARTIAL_RE = new RegExp(`^(x|X|\\*|0|[1-9][0-9]*)(?:\\.(x|X|\\*|0|[1-9][0-9]*)(?:\\.(x|X|\\*|0|[1-9][0-9]*)(?:-(${PARTS}))?(?:\\+(${PARTS}))?)?)?$`);

interface Partial {
  major: bigint | null;
  minor: bigint | null;
  patch: bigint | null;
  pre: string | undefined;
  build: string | undefined;
}

function partial(expr: string, whole: string): Partial {
  const m = PARTIAL_RE.exec(expr);
  if (!m) throw raise('KSP-RICH-003', { text: whole });
  const digit = (s: string | undefined) => (s === undefined || s === 'x' || s === 'X' || s === '*' ? null : BigInt(s));
  return { major: digit(m[1]), minor: digit(m[2]), patch: digit(m[3]), pre: m[4], build: m[5] };
}

function fullVersion(p: Partial): PSemVer {
  return makeVersion(p.major ?? 0n, p.minor ?? 0n, p.patch ?? 0n, p.pre, p.build);
}

const v3 = (a: bigint, b: bigint, c: bigint) => new PSemVer(a, b, c);
const span = (from: PSemVer, below: PSemVer): Bound => ({ kind: 'minmax', min: { kind: 'gteq', v: from }, max: { kind: 'lt', v: below } });

/** `1.2.3` exactly, `1.2` (1.2.x), `1` (1.x); with ~ or ^ the patch-level form allows later patches. */
function patchUpdates(p: Partial, tildeOrCaret: boolean): Bound {
  if (p.major === null) return ALL;
  if (p.minor === null) return span(v3(p.major, 0n, 0n), v3(p.major + 1n, 0n, 0n));
  if (p.patch === null) return span(v3(p.major, p.minor, 0n), v3(p.major, p.minor + 1n, 0n));
  const v = fullVersion(p);
  if (!tildeOrCaret) return { kind: 'eq', v };
  return span(v, v3(p.major, p.minor + 1n, 0n));
}

function caret(p: Partial): Bound {
  if (p.major === 0n) return patchUpdates(p, true);
  if (p.major === null) return ALL;
  if (p.minor === null) return span(v3(p.major, 0n, 0n), v3(p.major + 1n, 0n, 0n));
  if (p.patch === null) return span(v3(p.major, p.minor, 0n), v3(p.major + 1n, 0n, 0n));
  return span(fullVersion(p), v3(p.major + 1n, 0n, 0n));
}

function simple(op: string | undefined, operand: string, whole: string): Bound {
  const p = partial(operand, whole);
  switch (op) {
    case '~': case '~>': case '~=': return patchUpdates(p, true);
    case '^': return caret(p);
    case '>':
      if (p.major === null) return NOTHING;
      if (p.minor === null) return { kind: 'gteq', v: v3(p.major + 1n, 0n, 0n) };
      if (p.patch === null) return { kind: 'gteq', v: v3(p.major, p.minor + 1n, 0n) };
      return { kind: 'gt', v: fullVersion(p) };
    case '>=': return { kind: 'gteq', v: fullVersion(p) };
    case '<': return { kind: 'lt', v: fullVersion(p) };
    case '<=':
      if (p.major === null) return ALL;
      if (p.minor === null) return { kind: 'lt', v: v3(p.major + 1n, 0n, 0n) };
      if (p.patch === null) return { kind: 'lt', v: v3(p.major, p.minor + 1n, 0n) };
      return { kind: 'lteq', v: fullVersion(p) };
    default: return patchUpdates(p, false);
  }
}

/** A range from its text, as Puppet's SemVerRange.new reads it; throws KSP-RICH-003. */
export function parseRange(text: string): PSemVerRange {
  const set = text.replace(/([><=~^])(?:\s+|\s*v)/g, '$1');
  const alternatives = set.split(/\s*\|\|\s*/);
  // Ruby's split drops trailing empty strings.
  while (alternatives.length && alternatives[alternatives.length - 1] === '') alternatives.pop();
  if (alternatives.length === 0) return new PSemVerRange([ALL], '*');
  const out: Bound[] = [];
  for (const alt of alternatives) {
    const h = HYPHEN_RE.exec(alt);
    let r: Bound | null;
    if (h) {
      r = create([{ kind: 'gteq', v: fullVersion(partial(h[1], text)) }, { kind: 'lteq', v: fullVersion(partial(h[2], text)) }]);
    } else {
      const parts = alt.split(/\s+/);
      while (parts.length && parts[parts.length - 1] === '') parts.pop();
      const simples = parts.map((s) => {
        const m = SIMPLE_RE.exec(s);
        if (!m) throw raise('KSP-RICH-003', { text });
        return simple(m[1], m[2], text);
      });
      r = simples.length === 0 ? null : simples.length === 1 ? simples[0] : create(simples);
    }
    if (r !== null && !out.some((x) => sameBound(x, r!))) out.push(r);
  }
  return new PSemVerRange(out, text);
}

/** Whether range `a` lies within range `b` (SemVer[…] assignability). */
export function coveredBy(a: PSemVerRange, b: PSemVerRange): boolean {
  const [ab, ae, bb, be] = [a.begin, a.end, b.begin, b.end];
  if (!ab || !ae || !bb || !be) return false;
  const e = compareVersions(be, ae);
  return compareVersions(bb, ab) <= 0 && (e > 0 || (e === 0 && (!b.excludeEnd || a.excludeEnd)));
}

/** SemVer[a, b]: ranges that overlap or touch become one (the text Puppet 7 gives that: 'max - min'). */
export function mergeTypeRanges(ranges: PSemVerRange[]): PSemVerRange[] {
  const merge = (a: PSemVerRange, b: PSemVerRange): PSemVerRange | null => {
    const [ab, ae, bb, be] = [a.begin, a.end, b.begin, b.end];
    if (!ab || !ae || !bb || !be) return null;
    if (a.includes(bb) || b.includes(ab)) {
      const max = compareVersions(ae, be) >= 0 ? ae : be;
      let exclude = false;
      if (a.excludeEnd) exclude = max.equals(ae) && (compareVersions(max, be) > 0 || b.excludeEnd);
      else if (b.excludeEnd) exclude = max.equals(be) && (compareVersions(max, ae) > 0 || a.excludeEnd);
      return PSemVerRange.between(compareVersions(ab, bb) <= 0 ? ab : bb, max, exclude);
    }
    if (a.excludeEnd && ae.equals(bb)) return PSemVerRange.between(ab, be, b.excludeEnd);
    if (b.excludeEnd && be.equals(ab)) return PSemVerRange.between(bb, ae, a.excludeEnd);
    return null;
  };
  let rest = [...ranges];
  const result: PSemVerRange[] = [];
  while (rest.length) {
    const unmerged: PSemVerRange[] = [];
    let memo = rest.pop()!;
    for (const y of rest) {
      const m = merge(memo, y);
      if (m === null) unmerged.push(y);
      else memo = m;
    }
    result.push(memo);
    rest = unmerged;
  }
  return result.reverse();
}
