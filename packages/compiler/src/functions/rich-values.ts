// `new` (and Type(…)) for the rich types, and String(x, format) of their values, as Puppet 7
// has them: SemVer and SemVerRange (from strings, numbers, hashes), URI (a string or a hash of
// parts), Binary (base64 in its strict, lenient and URL-safe forms, text, bytes), Init[T], Error
// and the user's Object types. conversions.ts calls these for the types they know.
import { DEFAULT, NOT_FOUND, PBinary, PObject, PSemVer, PSemVerRange, PURI, hashGet, type Value } from '../values.ts';
import { isVersionText, makeVersion, parseRange, parseVersion, SEMVER_MAX, SEMVER_MIN } from '../types/semver.ts';
import { PURI as URIValue, URI_PARTS, parseUri } from '../types/uri.ts';
import { ArrayType, Binary, CollectionType, ERROR_TYPE, HashType, InitType, IterableType, ObjectType, OptionalType, PType, StructType, TupleType, TypeAliasType, VariantType, SemVerRange, SemVerType, URIType, describeArgumentMismatch, formatValue, newObject, typeNameOf } from '../types/index.ts';
import { positionalAttributes } from '../types/objects.ts';
import { formatObject } from '../types/describe.ts';
import type { CallContext } from './context.ts';
import { raise } from '../messages.ts';

/** Marks a type this module does not make. */
export const NOT_RICH = Symbol('not rich');

/** `T.new(args)` for a rich type T, or NOT_RICH when T is not one. */
export function newRich(ctx: CallContext, t: PType, args: Value[], convert: (t: PType, args: Value[]) => Value): Value | typeof NOT_RICH {
  if (t instanceof SemVerType) return newSemVer(ctx, args);
  if (t === SemVerRange) return newSemVerRange(ctx, args);
  if (t instanceof URIType) return newUri(ctx, args);
  if (t === Binary) return newBinary(ctx, args);
  if (t instanceof InitType) {
    if (!t.type) throw ctx.error('KSP-RICH-043', { type: 'Init' });
    // Puppet has no new() for Optional (Init[Optional[Integer]](undef) fails).
    if (t.type instanceof OptionalType) throw ctx.error('KSP-RICH-043', { type: String(t.type) });
    // Init[T, a…](x) is T.new(x, a…). Without init arguments an Array spreads into T.new's
    // arguments, unless T is made from an Array (Init[String]([1, 2]) is String.new(1, 2), as Puppet).
    if (t.args.length === 0 && args.length === 1 && Array.isArray(args[0]) && !madeFromArray(t.type)) return convert(t.type, args[0]);
    return convert(t.type, [...args, ...t.args]);
  }
  if (t instanceof ObjectType && !t.isBare) return newObjectValue(ctx, t, args);
  return NOT_RICH;
}

/** Whether T.new takes an Array as its one value (collections, Binary's bytes). */
function madeFromArray(t: PType): boolean {
  const r = t instanceof TypeAliasType ? t.resolved : t;
  if (r instanceof OptionalType) return madeFromArray(r.type);
  if (r instanceof VariantType) return r.types.some(madeFromArray);
  return r instanceof ArrayType || r instanceof TupleType || r instanceof HashType || r instanceof StructType || r instanceof CollectionType || r instanceof IterableType || r === Binary;
}

const reject = (ctx: CallContext, type: string, reason: string) => ctx.error('KSP-RICH-004', { type, reason });

const isNat = (v: Value): v is bigint => typeof v === 'bigint' && v >= 0n;
const QUALIFIER = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*$/;

function newSemVer(ctx: CallContext, args: Value[]): PSemVer {
  const [a] = args;
  if (args.length === 1 && typeof a === 'string') {
    if (!isVersionText(a)) throw ctx.error('KSP-RICH-001', { text: a });
    return parseVersion(a);
  }
  if (a instanceof PSemVer && args.length === 1) return a;
  if (args.length >= 3 && args.length <= 5) {
    const [major, minor, patch, pre, build] = args;
    if (isNat(major) && isNat(minor) && isNat(patch) && (pre === undefined || (typeof pre === 'string' && QUALIFIER.test(pre))) && (build === undefined || (typeof build === 'string' && QUALIFIER.test(build)))) {
      return makeVersion(major, minor, patch, pre, build);
    }
    const bad = [major, minor, patch].findIndex((x) => !isNat(x));
    throw reject(ctx, 'Version', bad >= 0 ? `parameter '${['major', 'minor', 'patch'][bad]}' expects a PositiveInteger = Integer[0] value, got ${typeNameOf(args[bad])}` : 'a prerelease or build is not a SemVerQualifier');
  }
  if (args.length === 1 && a instanceof Map) {
    const get = (k: string) => { const v = hashGet(a, k); return v === NOT_FOUND ? undefined : v; };
    const known = ['major', 'minor', 'patch', 'prerelease', 'build'];
    const [major, minor, patch, pre, build] = known.map(get);
    if ([...a.keys()].every((k) => typeof k === 'string' && known.includes(k)) && isNat(major) && isNat(minor) && isNat(patch)
      && (pre === undefined || (typeof pre === 'string' && QUALIFIER.test(pre))) && (build === undefined || (typeof build === 'string' && QUALIFIER.test(build)))) {
      return makeVersion(major, minor, patch, pre, build);
    }
    throw reject(ctx, 'Version', `parameter 'hash_args' expects a SemVerHash value, got ${typeNameOf(a)}`);
  }
  throw reject(ctx, 'Version', args.length === 0 ? 'expects between 1 and 5 arguments, got none' : `expects a version String, 3 to 5 Integers and qualifiers, or a Hash, got ${args.map(typeNameOf).join(', ')}`);
}

function newSemVerRange(ctx: CallContext, args: Value[]): PSemVerRange {
  const [a, b, c] = args;
  if (args.length === 1 && typeof a === 'string' && a !== '') return parseRange(a);
  if (args.length === 1 && a instanceof PSemVerRange) return a;
  const bound = (v: Value, dflt: PSemVer): PSemVer | undefined => (v === DEFAULT ? dflt : v instanceof PSemVer ? v : undefined);
  if (args.length >= 2 && args.length <= 3) {
    const min = bound(a, SEMVER_MIN);
    const max = bound(b, SEMVER_MAX);
    if (min && max && (c === undefined || typeof c === 'boolean')) return PSemVerRange.between(min, max, c === true);
  }
  if (args.length === 1 && a instanceof Map) {
    const get = (k: string) => hashGet(a, k);
    const min = get('min');
    const max = get('max');
    const ex = get('exclude_max');
    const lo = min === NOT_FOUND ? undefined : bound(min, SEMVER_MIN);
    const hi = max === NOT_FOUND ? SEMVER_MAX : bound(max, SEMVER_MAX);
    if ([...a.keys()].every((k) => k === 'min' || k === 'max' || k === 'exclude_max') && lo && hi && (ex === NOT_FOUND || typeof ex === 'boolean')) {
      return PSemVerRange.between(lo, hi, ex === true);
    }
  }
  throw reject(ctx, 'VersionRange', `expects a range String[1], two versions (or default) and a Boolean, or a Hash of min, max and exclude_max; got ${args.map(typeNameOf).join(', ') || 'none'}`);
}

function newUri(ctx: CallContext, args: Value[]): PURI {
  const [a] = args;
  if (args.length === 1 && typeof a === 'string' && a !== '') return parseUri(a);
  if (args.length === 1 && a instanceof URIValue) return a;
  if (args.length === 1 && a instanceof Map) {
    const f: Record<string, unknown> = {};
    let ok = true;
    for (const [k, v] of a) {
      if (typeof k !== 'string' || !(URI_PARTS as readonly string[]).includes(k)) { ok = false; break; }
      if (k === 'port' ? !isNat(v) : !(typeof v === 'string' && v !== '')) { ok = false; break; }
      f[k] = v;
    }
    // Ruby builds a mailto: URI from `to` and `headers`, and refuses an opaque part given so.
    if (ok && f.opaque !== undefined && String(f.scheme).toLowerCase() === 'mailto') throw ctx.error('KSP-RICH-010', { text: String(f.opaque) });
    if (ok) return new URIValue(f);
  }
  throw reject(ctx, 'error', `expects a String[1] or a Struct of URI parts, got ${args.map(typeNameOf).join(', ') || 'none'}`);
}

const BASE64_FORMATS = ['%b', '%u', '%B', '%s', '%r'];

/** Ruby's strict base64: the alphabet, = padding, a multiple of 4 characters, nothing else. */
function strictBase64(ctx: CallContext, s: string): Buffer {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw ctx.error('KSP-RICH-040', {});
  const b = Buffer.from(s, 'base64');
  // Padding bits must be zero, and the padding must be where the data ends.
  if (b.toString('base64') !== s) throw ctx.error('KSP-RICH-040', {});
  return b;
}

/** Ruby's lenient base64 (unpack 'm'): characters outside the alphabet are skipped, decoding stops at padding. */
function lenientBase64(s: string): Buffer {
  const clean = s.replace(/[^A-Za-z0-9+/=]/g, '');
  const end = clean.indexOf('=');
  const body = end >= 0 ? clean.slice(0, end) : clean;
  return Buffer.from(body.slice(0, body.length - (body.length % 4 === 1 ? 1 : 0)), 'base64');
}

function binaryFromString(ctx: CallContext, str: string, format: string): PBinary {
  switch (format) {
    case '%b': return new PBinary(lenientBase64(str + '='.repeat(str.length % 3)));
    case '%u': {
      // Ruby pads an unpadded URL-safe string before decoding it strictly.
      const padded = !str.endsWith('=') && str.length % 4 !== 0 ? str.padEnd(str.length + (4 - (str.length % 4)), '=') : str;
      return new PBinary(strictBase64(ctx, padded.replace(/-/g, '+').replace(/_/g, '/')));
    }
    case '%s': case '%r': return new PBinary(Buffer.from(str, 'utf8'));
    default: return new PBinary(strictBase64(ctx, str));
  }
}

function newBinary(ctx: CallContext, args: Value[]): PBinary {
  const [a, f] = args;
  if (a instanceof PBinary && args.length === 1) return a;
  if (typeof a === 'string' && args.length <= 2 && (f === undefined || (typeof f === 'string' && BASE64_FORMATS.includes(f)))) return binaryFromString(ctx, a, f ?? '%B');
  const bytes = (v: Value) => Array.isArray(v) && v.every((x) => typeof x === 'bigint' && x >= 0n && x <= 255n);
  if (args.length === 1 && bytes(a)) return new PBinary(Uint8Array.from((a as bigint[]).map(Number)));
  if (args.length === 1 && a instanceof Map) {
    const value = hashGet(a, 'value');
    const format = hashGet(a, 'format');
    const keysOk = [...a.keys()].every((k) => k === 'value' || k === 'format');
    if (keysOk && typeof value === 'string' && (format === NOT_FOUND || format === undefined || (typeof format === 'string' && BASE64_FORMATS.includes(format)))) {
      return binaryFromString(ctx, value, typeof format === 'string' ? format : '%B');
    }
    if (keysOk && format === NOT_FOUND && bytes(value as Value)) return new PBinary(Uint8Array.from((value as bigint[]).map(Number)));
  }
  const why = typeof a === 'string' ? `parameter 'format' expects a match for Base64Format = Enum['%B', '%b', '%r', '%s', '%u'], got '${formatValue(f as Value)}'`
    : Array.isArray(a) ? `parameter 'byte_array' ${describeArgumentMismatch(new BytesType(), a)}` : `expects a String, an Array of bytes or a Hash, got ${typeNameOf(a)}`;
  throw reject(ctx, 'Binary', why);
}

/** Array[Integer[0, 255]], only for the error's words. */
class BytesType extends PType {
  readonly name = 'Array';
  isInstance(v: Value): boolean {
    return Array.isArray(v) && v.every((x) => typeof x === 'bigint' && x >= 0n && x <= 255n);
  }
  isAssignable(): boolean {
    return false;
  }
  override toString(): string {
    return 'Array[ByteInteger = Integer[0, 255]]';
  }
}

function newObjectValue(ctx: CallContext, t: ObjectType, args: Value[]): PObject {
  // An Object type without a name (`$t = Object[{…}]`) has no new() in Puppet 7 (it fails there).
  if (t.objectName === undefined) throw ctx.error('KSP-RICH-043', { type: String(t) });
  const o = newObject(t, args);
  if (o) return o;
  const name = t.objectName ?? 'Object';
  if (args.length === 0 && t.initAttributes.length > 0 && t === ERROR_TYPE) throw reject(ctx, name, 'expects between 1 and 4 arguments, got none');
  const byHash = args.length === 1 ? `parameter 'hash' ${describeArgumentMismatch(t.initHashType, args[0])}` : `expects 1 argument, got ${args.length}`;
  const attrs = positionalAttributes(t);
  const required = attrs.filter((a) => !a.hasValue).length;
  let byPosition: string;
  if (args.length < required || args.length > attrs.length) byPosition = `expects ${required === attrs.length ? required : `between ${required} and ${attrs.length}`} arguments, got ${args.length}`;
  else {
    const i = args.findIndex((v, j) => !attrs[j].type.isInstance(v));
    byPosition = `parameter '${attrs[i]?.name}' ${describeArgumentMismatch(attrs[i]?.type ?? t, args[i])}`;
  }
  throw reject(ctx, name, `(${t.initHashType} hash) rejected: ${byHash}; (${attrs.map((a) => `${a.type} ${a.name}`).join(', ')}) rejected: ${byPosition}`);
}

// ---------------------------------------------------------------- String(x, format)

const FORMAT = /^%([\s#+\-0[{<(|]*)([1-9]\d*)?(?:\.(\d+))?([a-zA-Z])$/;

function pad(s: string, flags: string, width: string | undefined, precision: string | undefined): string {
  let out = precision !== undefined ? s.slice(0, Number(precision)) : s;
  if (width !== undefined && out.length < Number(width)) out = flags.includes('-') ? out.padEnd(Number(width)) : out.padStart(Number(width));
  return out;
}

/** Ruby's Base64.encode64: lines of 60 characters, each ending in a newline. */
function relaxedBase64(bytes: Uint8Array): string {
  const s = Buffer.from(bytes).toString('base64');
  if (s === '') return '';
  return `${s.match(/.{1,60}/g)!.join('\n')}\n`;
}

/** A Puppet %p string: single quotes, backslash and quote escaped. */
function quoted(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * String(v, format) for a rich value, or NOT_RICH for other values. `format` is one directive
 * (FORMAT); Binary takes s (its bytes as UTF-8 text), p, b, B, u, t, T; URI s and p; Objects s, p;
 * SemVer and SemVerRange print as their text.
 */
export function formatRich(v: Value, format: string | undefined): string | typeof NOT_RICH {
  if (!(v instanceof PBinary || v instanceof PURI || v instanceof PObject || v instanceof PSemVer || v instanceof PSemVerRange)) return NOT_RICH;
  if (format === undefined) return v instanceof PObject ? formatObject(v) : String(v);
  const [, flags, width, precision, d] = FORMAT.exec(format)!;
  const alt = flags.includes('#');
  if (v instanceof PBinary) {
    switch (d) {
      case 's': {
        const text = Buffer.from(v.bytes).toString('utf8');
        if (!alt && Buffer.compare(Buffer.from(text, 'utf8'), Buffer.from(v.bytes)) !== 0) {
          const bad = [...v.bytes].find((x) => x >= 0x80) ?? 0;
          throw raise('KSP-RICH-041', { byte: `\\x${bad.toString(16).toUpperCase()}` });
        }
        return pad(alt ? `"${text}"` : text, flags, width, precision);
      }
      case 'p': return `Binary("${pad(String(v), flags, width, precision)}")`;
      case 'b': return pad(relaxedBase64(v.bytes), flags, width, precision);
      case 'B': return pad(String(v), flags, width, precision);
      case 'u': return pad(Buffer.from(v.bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_'), flags, width, precision);
      case 't': return pad('Binary', flags, width, precision);
      case 'T': return pad('BINARY', flags, width, precision);
      default: throw raise('KSP-RICH-042', { format: d, type: 'Binary', allowed: 'bButTsp' });
    }
  }
  if (v instanceof PURI) {
    if (d === 'p') return `URI(${quoted(String(v))})`;
    if (d === 's') return pad(alt ? quoted(String(v)) : String(v), flags, width, precision);
    throw raise('KSP-RICH-042', { format: d, type: 'URI', allowed: 'sp' });
  }
  if (v instanceof PObject) {
    if (d === 'p' || d === 's') return formatObject(v);
    throw raise('KSP-RICH-042', { format: d, type: 'Object', allowed: 'spq' });
  }
  return pad(String(v), flags, width, precision);
}
