// String(value, format): Puppet's string converter. A format is `%<flags><width>.<prec><letter>`;
// which one applies to a value is chosen by type from a map (the defaults below, merged with the
// formats given: a String for the value's own type, or a Hash of type to format, where Array and
// Hash take `{format, separator, separator2, string_formats}`). Inside an array or hash, values
// other than containers use the container's string_formats (by default `%p`: strings quoted),
// containers the whole map again. What each letter means per type follows Puppet 7.23's
// StringConverter (its documentation is the spec; snippets/formatting.snippets has its answers).
import { DEFAULT, PBinary, PRegexp, PSensitive, isType, type Value } from '../values.ts';
import {
  Any, ArrayType, Binary, EnumType, FloatType, HashType, Numeric, PatternType, StringType, StructType, TupleType, formatValue, inferType, type PType,
} from '../types/index.ts';
import { sprintf } from './strings.ts';
import { NOT_RICH, formatRich } from './rich-values.ts';
import { raise } from '../messages.ts';

/** A format that is wrong in itself or for the value it meets, in Puppet's words (KSP-FUNC-105, placed by the call). */
const formatError = (message: string) => raise('KSP-FUNC-105', { message });

const FORMAT = /^%([\s[+#0{<(|-]*)([1-9][0-9]*)?(?:\.([0-9]+))?([a-zA-Z])$/;
const DELIMITERS: Record<string, [string, string]> = { '[': ['[', ']'], '{': ['{', '}'], '(': ['(', ')'], '<': ['<', '>'], '|': ['|', '|'], space: ['', ''] };

interface Format {
  orig: string;
  letter: string;
  alt: boolean;
  left: boolean;
  plus: 'space' | 'plus' | 'ignore';
  width?: number;
  prec?: number;
  delimiters?: string;
  separator?: string;
  separator2?: string;
  containerFormats?: FormatMap;
}

/** Formats by type, most specific first. */
type FormatMap = [PType, Format][];

function parseFormat(fmt: string): Format {
  const m = FORMAT.exec(fmt);
  if (!m) throw formatError(`The format '${fmt}' is not a valid format on the form '%<flags><width>.<prec><format>'`);
  const flags = [...m[1]];
  if (new Set(flags).size !== flags.length) throw formatError(`The same flag can only be used once, got '${fmt}'`);
  const delims = flags.filter((f) => f in DELIMITERS);
  if (delims.length > 1) throw formatError(`Only one of the delimiters [ { ( < | can be given in the format flags, got '${fmt}'`);
  return {
    orig: fmt, letter: m[4], alt: flags.includes('#'), left: flags.includes('-'),
    plus: flags.includes(' ') ? 'space' : flags.includes('+') ? 'plus' : 'ignore',
    width: m[2] ? Number(m[2]) : undefined, prec: m[3] !== undefined ? Number(m[3]) : undefined, delimiters: delims[0],
  };
}

function delimiterPair(f: Format, dflt: [string, string]): [string, string] {
  return DELIMITERS[f.delimiters ?? f.plus] ?? dflt;
}

const same = (a: PType, b: PType) => a === b || a.toString() === b.toString();

function mergeFormat(lower: Format | undefined, higher: Format | undefined): Format {
  if (!lower || !higher) return (lower ?? higher)!;
  return {
    ...parseFormat(higher.orig),
    separator: higher.separator ?? lower.separator,
    separator2: higher.separator2 ?? lower.separator2,
    containerFormats: mergeMaps(lower.containerFormats, higher.containerFormats),
  };
}

/** How specific a type is where two are unrelated (lower first), as Puppet ranks them. */
function rank(t: PType): number {
  if (t instanceof StructType) return 1;
  if (t instanceof HashType) return 2;
  if (t instanceof TupleType) return 3;
  if (t instanceof ArrayType) return 4;
  if (t instanceof PatternType) return 10;
  if (t instanceof EnumType) return 11;
  if (t instanceof StringType) return 12;
  return 0;
}

function sortFormats(map: FormatMap): FormatMap {
  return [...map].sort(([a], [b]) => {
    if (same(a, b)) return 0;
    const ab = b.isAssignable(a);
    const ba = a.isAssignable(b);
    if (ab && !ba) return -1;
    if (!ab && ba) return 1;
    const ra = rank(a);
    const rb = rank(b);
    if (ra === 0 || rb === 0) return a.toString() < b.toString() ? -1 : a.toString() > b.toString() ? 1 : 0;
    return ra - rb;
  });
}

/** `higher` wins; a format in `lower` for a type some broader type of `higher` covers is dropped. */
function mergeMaps(lower: FormatMap | undefined, higher: FormatMap | undefined): FormatMap | undefined {
  if (!lower || !higher) return lower ?? higher;
  const kept = lower.filter(([lk]) => !higher.some(([hk]) => !same(hk, lk) && hk.isAssignable(lk)));
  const keys: PType[] = [];
  for (const [k] of [...kept, ...higher]) if (!keys.some((x) => same(x, k))) keys.push(k);
  const find = (m: FormatMap, k: PType) => m.find(([x]) => same(x, k))?.[1];
  return sortFormats(keys.map((k) => [k, mergeFormat(find(kept, k), find(higher, k))]));
}

function withSeparators(fmt: string, separator: string, separator2?: string, containerFormats?: FormatMap): Format {
  return { ...parseFormat(fmt), separator, separator2, containerFormats };
}

const CONTAINER_DEFAULTS: FormatMap = [[Any, parseFormat('%p')]];
const ARRAY_DEFAULT = withSeparators('%a', ', ', ', ', CONTAINER_DEFAULTS);
const HASH_DEFAULT = withSeparators('%h', ', ', ' => ', CONTAINER_DEFAULTS);
const DEFAULTS: FormatMap = sortFormats([
  [new FloatType(), parseFormat('%f')],
  [Numeric, parseFormat('%d')],
  [new ArrayType(), ARRAY_DEFAULT],
  [new HashType(), HASH_DEFAULT],
  [Binary, parseFormat('%B')],
  [Any, parseFormat('%s')],
]);

/** A user's formats: types to format strings, or to container hashes. */
function readFormats(v: Value): FormatMap {
  if (!(v instanceof Map)) throw formatError(`expected a hash with type to format mappings, got instance of '${typeof v}'`);
  const out: FormatMap = [];
  for (const [k, x] of v) {
    if (!isType(k)) throw formatError(`top level keys in the format hash must be data types, got instance of '${typeof k === 'string' ? 'String' : typeof k}'`);
    out.push([k, x instanceof Map ? readContainerFormat(x) : parseFormat(String(x))]);
  }
  return out;
}

function readContainerFormat(h: Map<Value, Value>): Format {
  const extra = [...h.keys()].filter((k) => typeof k !== 'string' || !['separator', 'separator2', 'format', 'string_formats'].includes(k));
  if (extra.length) throw formatError(`only 'separator', 'separator2', 'format', 'string_formats' are allowed in a container format, got ${formatValue(h)}`);
  const fmt = h.get('format');
  const f = parseFormat(typeof fmt === 'string' ? fmt : '');
  const sep = h.get('separator');
  const sep2 = h.get('separator2');
  const sf = h.get('string_formats');
  return { ...f, separator: typeof sep === 'string' ? sep : undefined, separator2: typeof sep2 === 'string' ? sep2 : undefined, containerFormats: sf === undefined ? undefined : readFormats(sf) };
}

/** String(value, formats): `formats` a format string, a Hash of type to format, or nothing. */
export function formatString(value: Value, formats?: Value): string {
  let map = DEFAULTS;
  if (typeof formats === 'string') {
    const key = Array.isArray(value) ? new ArrayType() : value instanceof Map ? new HashType() : inferType(value);
    map = mergeMaps(DEFAULTS, [[key, Array.isArray(value) || value instanceof Map ? { ...parseFormat(formats) } : parseFormat(formats)]])!;
  } else if (formats !== undefined && formats !== DEFAULT) {
    map = mergeMaps(DEFAULTS, readFormats(formats))!;
  }
  return convert(value, map, new Indentation(0, true, false));
}

class Indentation {
  readonly level: number;
  readonly first: boolean;
  readonly indenting: boolean;
  constructor(level: number, first: boolean, indenting: boolean) {
    this.level = level;
    this.first = first;
    this.indenting = indenting;
  }
  subsequent(): Indentation {
    return this.first ? new Indentation(this.level, false, this.indenting) : this;
  }
  indentingAs(flag: boolean): Indentation {
    return this.indenting === flag ? this : new Indentation(this.level, this.first, flag);
  }
  increase(flag = false): Indentation {
    return new Indentation(this.level + 1, true, flag);
  }
  breaks(): boolean {
    return this.indenting && this.level > 0 && !this.first;
  }
  padding(): string {
    return '  '.repeat(this.level);
  }
}

function formatFor(v: Value, map: FormatMap): Format {
  return map.find(([t]) => t.isInstance(v))?.[1] ?? parseFormat('%s');
}

/** Ruby's `%-W.Ps` on a string. */
function pad(f: { left?: boolean; width?: number; prec?: number }, s: string): string {
  let out = f.prec !== undefined ? [...s].slice(0, f.prec).join('') : s;
  const len = [...out].length;
  if (f.width !== undefined && len < f.width) out = f.left ? out + ' '.repeat(f.width - len) : ' '.repeat(f.width - len) + out;
  return out;
}

function letters(kind: string, letter: string, allowed: string): Error {
  return formatError(`Illegal format '${letter}' specified for value of ${kind} type - expected one of the characters '${allowed}'`);
}

/** A string as Puppet's %p quotes it: single quotes unless it holds control characters. */
export function puppetQuote(s: string, double = false): string {
  if (double || /[\x00-\x1f]/.test(s)) {
    return `"${s.replace(/[\\"$\x00-\x1f]/g, (c) => ({ '\\': '\\\\', '"': '\\"', $: '\\$', '\n': '\\n', '\r': '\\r', '\t': '\\t' } as Record<string, string>)[c] ?? `\\u{${c.charCodeAt(0).toString(16).toUpperCase()}}`)}"`;
  }
  let out = "'";
  let escaped = false;
  for (const c of s) {
    if (escaped) { out += `\\${c}`; escaped = false; }
    else if (c === "'") out += "\\'";
    else if (c === '\\') escaped = true;
    else out += c;
  }
  return `${out}${escaped ? '\\' : ''}'`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
}

function isContainer(v: Value): boolean {
  return Array.isArray(v) || v instanceof Map;
}

function convert(v: Value, map: FormatMap, ind: Indentation): string {
  const f = formatFor(v, map);
  if (v === undefined) {
    const s = ({ n: f.alt ? 'null' : 'nil', u: f.alt ? 'undefined' : 'undef', v: 'n/a', V: 'N/A', s: f.alt ? '""' : '', p: f.alt ? '"undef"' : 'undef' } as Record<string, string>)[f.letter]
      ?? ('dxXobBeEfgGaA'.includes(f.letter) ? 'NaN' : undefined);
    if (s === undefined) throw letters('Undef', f.letter, 'nudxXobBeEfgGaAvVsp');
    return pad(f, s);
  }
  if (v === DEFAULT) {
    if (!'dDsp'.includes(f.letter)) throw letters('Default', f.letter, 'dDsp');
    const s = f.letter === 'D' ? 'Default' : 'default';
    return pad(f, f.alt ? `"${s}"` : s);
  }
  if (typeof v === 'boolean') return formatBoolean(v, f, ind);
  if (typeof v === 'bigint') return formatInteger(v, f);
  if (typeof v === 'number') return formatFloat(v, f);
  if (typeof v === 'string') return formatText(v, f);
  if (v instanceof PRegexp) {
    if (f.letter === 'p') return f.orig === '%p' ? v.toString() : pad(f, v.toString());
    if (f.letter !== 's') throw letters('Regexp', f.letter, 'sp');
    const s = f.alt ? puppetQuote(v.pattern) : v.pattern;
    return f.orig === '%s' ? s : pad(f, s);
  }
  if (Array.isArray(v)) return formatArray(v, f, map, ind);
  if (v instanceof Map) return formatHash(v, f, map, ind);
  if (v instanceof PSensitive) {
    // Not a type of its own to the converter: Ruby's format of the object (to_s, inspect).
    if (f.letter === 's') return pad(f, v.toString());
    if (f.letter === 'p') return pad(f, `#<${v.toString()}>`);
    throw formatError(`can't convert Puppet::Pops::Types::PSensitiveType::Sensitive into ${'dxXobBc'.includes(f.letter) ? 'Integer' : 'Float'}`);
  }
  if (isType(v)) {
    if (f.letter === 's') return pad(f, f.alt ? `"${formatValue(v)}"` : formatValue(v));
    if (f.letter === 'p') return pad(f, formatValue(v));
    throw letters('Type', f.letter, 'sp');
  }
  // SemVer, SemVerRange, Binary, URI and Object instances: their letters (rich-values.ts).
  const rich = formatRich(v, f.orig);
  if (rich !== NOT_RICH) return rich;
  if (v instanceof PBinary) return formatValue(v);
  return f.letter === 's' || f.letter === 'p' ? pad(f, formatValue(v)) : formatValue(v);
}

function formatBoolean(v: boolean, f: Format, ind: Indentation): string {
  const first = (s: string) => (f.alt ? s[0] : s);
  switch (f.letter) {
    case 't': return pad(f, first(String(v)));
    case 'T': return pad(f, first(v ? 'True' : 'False'));
    case 'y': return pad(f, first(v ? 'yes' : 'no'));
    case 'Y': return pad(f, first(v ? 'Yes' : 'No'));
    case 's': case 'p': return pad(f, String(v));
    default:
      if ('dxXobB'.includes(f.letter)) return convert(v ? 1n : 0n, [[Numeric, f]], ind);
      if ('eEfgGaA'.includes(f.letter)) return convert(v ? 1 : 0, [[new FloatType(), f]], ind);
      throw letters('Boolean', f.letter, 'tTyYdxXobBeEfgGaAsp');
  }
}

function formatInteger(v: bigint, f: Format): string {
  if ('dxXobB'.includes(f.letter)) return sprintf(f.orig, [v]);
  if (f.letter === 'p') return sprintf(f.orig.replace('p', 'd'), [v]);
  if ('eEfgGaA'.includes(f.letter)) return sprintf(f.orig, [Number(v)]);
  if (f.letter === 'c') {
    const c = String.fromCodePoint(Number(v));
    return pad(f, f.alt ? `"${c}"` : c);
  }
  if (f.letter === 's') return pad(f, f.alt ? `"${v}"` : v.toString());
  throw letters('Integer', f.letter, 'dxXobBeEfgGaAspc');
}

function formatFloat(v: number, f: Format): string {
  if ('dxXobB'.includes(f.letter)) return sprintf(f.orig, [BigInt(Math.trunc(v))]);
  if ('eEfgGaA'.includes(f.letter)) return sprintf(f.orig, [v]);
  if (f.letter === 'p') return pad(f, formatValue(v));
  if (f.letter === 's') return pad(f, f.alt ? `"${formatValue(v)}"` : formatValue(v));
  throw letters('Float', f.letter, 'dxXobBeEfgGaAsp');
}

function formatText(v: string, f: Format): string {
  const cased = (s: string) => (f.alt ? pad(f, puppetQuote(s)) : pad(f, s));
  switch (f.letter) {
    case 's': return pad(f, v);
    case 'p': return pad(f, puppetQuote(v, f.alt));
    case 'c': return cased(capitalize(v));
    case 'C': return cased(v.split('::').map(capitalize).join('::'));
    case 'u': return cased(v.toUpperCase());
    case 'd': return cased(v.toLowerCase());
    case 't': return cased(v.trim());
    default: throw letters('String', f.letter, 'cCudspt');
  }
}

function formatArray(v: Value[], f: Format, map: FormatMap, outer: Indentation): string {
  if (!'asp'.includes(f.letter)) throw letters('Array', f.letter, 'asp');
  const sep = f.separator ?? ARRAY_DEFAULT.separator!;
  const inner = f.containerFormats ?? CONTAINER_DEFAULTS;
  const [open, close] = delimiterPair(f, ['[', ']']);
  const ind = outer.indentingAs(f.alt || outer.indenting);
  let buf = ind.breaks() ? `\n${ind.padding()}` : '';
  buf += open;
  let child = ind.increase(f.alt);
  const mapped = v.map((x) => {
    child = child.subsequent();
    return convert(x, isContainer(x) ? map : inner, child);
  });
  let sizeBreak = false;
  if (f.alt && f.width !== undefined) {
    const runs = [0];
    v.forEach((x, i) => { if (isContainer(x)) runs.push(0); else runs[runs.length - 1] += mapped[i].length; });
    sizeBreak = Math.max(...runs) > f.width;
  }
  child = ind.increase(f.alt);
  v.forEach((x, i) => {
    const s = mapped[i];
    if (child.first) {
      child = child.subsequent();
      if (sizeBreak && !isContainer(x)) buf += ' ';
    } else {
      buf += sep;
      if ((sizeBreak && !isContainer(x)) || (f.alt && i > 0 && isContainer(v[i - 1]) && !isContainer(x))) {
        if (!buf.endsWith('\n')) buf = buf.trimEnd();
        buf += `\n${child.padding()}`;
      }
    }
    if (buf.endsWith(' ') && s.startsWith('\n')) buf = buf.trimEnd();
    buf += s;
  });
  return buf + close;
}

function formatHash(v: Map<Value, Value>, f: Format, map: FormatMap, outer: Indentation): string {
  if (f.letter === 'a') return convert([...v].map(([k, x]) => [k, x]), map, outer);
  if (!'hsp'.includes(f.letter)) throw letters('Hash', f.letter, 'hasp');
  let sep = f.separator ?? HASH_DEFAULT.separator!;
  const assoc = f.separator2 ?? HASH_DEFAULT.separator2!;
  const inner = f.containerFormats ?? CONTAINER_DEFAULTS;
  const [open, close] = delimiterPair(f, ['{', '}']);
  if (f.alt) sep = `${sep.endsWith('\n') ? sep : sep.trimEnd()}\n`;
  const ind = outer.indentingAs(f.alt || outer.indenting);
  let buf = ind.breaks() ? `\n${ind.padding()}` : '';
  const child = ind.increase();
  const brk = f.alt ? '\n' : '';
  const padding = f.alt ? child.padding() : '';
  buf += open + brk;
  buf += [...v].map(([k, x]) => `${padding}${convert(k, isContainer(k) ? map : inner, child)}${assoc}${convert(x, isContainer(x) ? map : inner, child)}`).join(sep);
  if (f.alt) buf += brk + ind.padding();
  return buf + close;
}
