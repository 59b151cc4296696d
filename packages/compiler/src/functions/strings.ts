// Functions on strings, as Puppet 7 ships them: split, join, sprintf, regsubst, versioncmp,
// match, case and whitespace functions, digests.
import { createHash } from 'node:crypto';
import { DEFAULT, PRegexp, PSensitive, toJsRegExp, type Value } from '../values.ts';
import { RegexpType, formatValue, typeNameOf } from '../types/index.ts';
import type { CallContext, PuppetFunction } from './context.ts';
import { argumentError, fn, parseType, type BuiltinFunction } from './signature.ts';
import { rubyFloat } from './collections.ts';
import { CompileError } from '../errors.ts';
import { raise } from '../messages.ts';


const STRING = parseType('String');
const STRINGS = parseType('Variant[Numeric, String, Array, Hash]');

/** For values the signature leaves to the function: inside arrays, or after other checks. */
function expectString(ctx: CallContext, v: Value, param: string): string {
  if (typeof v !== 'string') throw argumentError(ctx, param, STRING, v);
  return v;
}

/** Applies a string function to a string, or to every string in an array or hash (values). */
function mapStrings(ctx: CallContext, v: Value, fn: (s: string) => string): Value {
  if (typeof v === 'string') return fn(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(ctx, x, fn));
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [mapStrings(ctx, k, fn), mapStrings(ctx, x, fn)]));
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  throw argumentError(ctx, 'arg', STRINGS, v);
}

const stringFn = (fn: (s: string) => string): PuppetFunction => (ctx, args) => mapStrings(ctx, args[0], fn);

const capitalize = (s: string) => (s.length ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s);

const split: PuppetFunction = (ctx, args) => {
  const str = args[0] as string;
  const p = args[1];
  let re: RegExp;
  if (p instanceof PRegexp) re = p.regexp;
  else if (typeof p === 'string') re = toJsRegExp(p);
  else if (p instanceof RegexpType && p.pattern) re = p.pattern.regexp;
  else throw ctx.error('KSP-EVAL-007', { function: 'split', parameter: 'pattern', mismatch: `expects a String or Regexp value, got ${typeNameOf(p)}` });
  if (str === '') return [];
  const parts = re.source === '(?:)' ? [...str] : str.split(new RegExp(re.source, re.flags.replace('g', '') + 'g'));
  // Ruby's split drops trailing empty fields.
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts.filter((x) => x !== undefined);
};

/** Ruby's Array#join: nested arrays flattened, each element as Ruby's to_s writes it. */
const join: PuppetFunction = (_ctx, args) => {
  const sep = args.length > 1 ? args[1] as string : '';
  return ((args[0] as Value[]).flat(Infinity as 1) as Value[]).map(rubyToS).join(sep);
};

/** Ruby's to_s of a Puppet value: a hash as its inspect (`{"a"=>1}`), a regexp with its options group. */
function rubyToS(v: Value): string {
  if (v instanceof Map) return rubyInspect(v);
  if (v instanceof PRegexp) return `(?-mix:${v.pattern})`;
  return formatValue(v);
}

/**
 * What Ruby's format refuses (a directive it does not know, too few arguments, a value it cannot
 * convert), in Ruby's words: KSP-FUNC-106 without a place, which the call gives it (placed()).
 */
const formatError = (message: string) => raise('KSP-FUNC-106', { message });

/** An error of sprintf or the string converter (KSP-FUNC-105/106) put at the call `ctx` makes. */
export function placed(ctx: CallContext, e: unknown): unknown {
  if (e instanceof CompileError && !e.location && (e.code === 'KSP-FUNC-105' || e.code === 'KSP-FUNC-106')) {
    const p = ctx.position();
    return e.at({ file: p.file, line: p.line, column: p.column });
  }
  return e;
}

/** Ruby's Integer(): blanks around, a sign, 0x/0b/0o/0 prefixes, underscores between digits. */
function rubyInteger(text: string): bigint | undefined {
  const s = text.trim();
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+(?:_[0-9a-fA-F]+)*|0[bB][01]+(?:_[01]+)*|0[oO]?[0-7]+(?:_[0-7]+)*|[1-9]\d*(?:_\d+)*|0)$/.exec(s);
  if (!m) return undefined;
  let d = m[2].replace(/_/g, '');
  if (/^0[0-7]/.test(d)) d = `0o${d.slice(1)}`;
  else if (/^0[oO]/.test(d)) d = `0o${d.slice(2)}`;
  const n = BigInt(d);
  return m[1] === '-' ? -n : n;
}

/** The class name Ruby's "can't convert X into Integer" gives a value. */
function rubyClassOf(v: Value): string {
  if (v === true || v === false) return String(v);
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Map) return 'Hash';
  return 'Object';
}

/** Ruby's sprintf, the directives Puppet code uses: %s %d %i %f %e %g %x %X %o %b %c %% with flags and widths. */
export function sprintf(format: string, args: Value[]): string {
  let i = 0;
  const next = (): Value => {
    if (i >= args.length) throw formatError('too few arguments');
    return args[i++];
  };
  return format.replace(/%(?:(\d+)\$)?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdifeEgGxXobBcp%])|%<(\w+)>([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifeEgGxXobBp])|%\{(\w+)\}|%[-+ 0#]*\d*(?:\.\d*)?([^-+ 0#\d.]?)/g,
    (_m, position, flags0, width0, prec0, conv0, name, flags1, width1, prec1, conv1, braceName, bad) => {
      if (bad !== undefined) throw formatError(bad === '' ? 'incomplete format specifier; use %% (double %) instead' : `malformed format string - %${bad}`);
      if (conv0 === '%') return '%';
      let arg: Value;
      if (position !== undefined) {
        if (Number(position) > args.length) throw formatError('too few arguments');
        arg = args[Number(position) - 1];
      } else if (braceName !== undefined || name !== undefined) {
        const h = args[0];
        arg = h instanceof Map ? h.get(braceName ?? name) : undefined;
        if (braceName !== undefined) return formatValue(arg);
      } else {
        arg = next();
      }
      const flags: string = (flags0 ?? flags1 ?? '') as string;
      let width = width0 ?? width1;
      if (width === '*') { width = String(arg); arg = next(); }
      const prec = prec0 ?? prec1;
      const conv: string = conv0 ?? conv1;
      let body: string;
      // Numbers from other values as Ruby's Integer() and Float() make them (undef is '').
      const num = (v: Value): number | bigint => {
        if (typeof v === 'bigint' || typeof v === 'number') return v;
        if (typeof v === 'string' || v === undefined) {
          const n = rubyFloat(v ?? '');
          if (n === undefined) throw formatError(`invalid value for Float(): ${JSON.stringify(v ?? '')}`);
          return n;
        }
        throw formatError(`can't convert ${rubyClassOf(v)} into Float`);
      };
      const int = (v: Value): bigint => {
        if (typeof v === 'bigint') return v;
        if (typeof v === 'number') return BigInt(Math.trunc(v));
        if (typeof v === 'string' || v === undefined) {
          const n = rubyInteger(v ?? '');
          if (n === undefined) throw formatError(`invalid value for Integer(): ${JSON.stringify(v ?? '')}`);
          return n;
        }
        throw formatError(`can't convert ${rubyClassOf(v)} into Integer`);
      };
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
        case 'g': case 'G': { const n = Number(num(arg)); body = signed(formatG(Math.abs(n), prec === undefined ? 6 : Number(prec), flags.includes('#')), n < 0); if (conv === 'G') body = body.toUpperCase(); break; }
        case 'x': case 'X': { body = radixDigits(int(arg), 16, flags, flags.includes('#') ? '0x' : ''); if (conv === 'X') body = body.toUpperCase(); break; }
        case 'o': { body = radixDigits(int(arg), 8, flags, flags.includes('#') ? '0' : ''); break; }
        case 'b': case 'B': { body = radixDigits(int(arg), 2, flags, flags.includes('#') ? `0${conv}` : ''); break; }
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

/**
 * An integer in base 2, 8 or 16 as Ruby's format writes it: a sign with `+` or ` `; otherwise a
 * negative number in two's complement, `..` then its digits from the first all-ones digit
 * (`%x` of -255 is `..f01`).
 */
function radixDigits(n: bigint, base: number, flags: string, prefix: string): string {
  if (n >= 0n) return (flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + prefix + n.toString(base);
  if (flags.includes('+') || flags.includes(' ')) return `-${prefix}${(-n).toString(base)}`;
  const b = BigInt(base);
  const top = (base - 1).toString(base);
  for (let k = 1, size = b; ; k++, size *= b) {
    if (n < -size) continue;
    const digits = (((n % size) + size) % size).toString(base).padStart(k, '0');
    if (digits[0] === top) return `${prefix}..${digits}`;
  }
}

/** C's %g: %e when the exponent is below -4 or not below the precision, else %f; trailing zeros dropped unless `#`. */
function formatG(n: number, prec: number, alt: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (n === 0) return alt ? (0).toFixed(p - 1) : '0';
  const exp = Number(n.toExponential(p - 1).split('e')[1]);
  let s: string;
  if (exp < -4 || exp >= p) {
    const [m, e] = n.toExponential(p - 1).split('e');
    const mant = alt ? m : m.replace(/\.?0+$/, '');
    s = `${mant}e${e[0] === '-' ? '-' : '+'}${e.replace(/^[-+]/, '').padStart(2, '0')}`;
  } else {
    s = n.toFixed(Math.max(0, p - 1 - exp));
    if (!alt && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s;
}

/** Ruby's inspect, which `%p` prints: strings in double quotes, nil for undef. */
function rubyInspect(v: Value): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(rubyInspect).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${rubyInspect(k)}=>${rubyInspect(x)}`).join(', ')}}`;
  if (v instanceof PSensitive) return `#<${v.toString()}>`;
  if (v === DEFAULT) return ':default';
  return formatValue(v);
}

const sprintfFn: PuppetFunction = (ctx, args) => {
  try {
    return sprintf(args[0] as string, args.slice(1));
  } catch (e) {
    throw placed(ctx, e);
  }
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

/** The functions whose Puppet 7 signature is Numeric, String or Iterable[Variant[String, Numeric]]. */
const ITERABLE_OF_STRINGS = new Set(['capitalize', 'camelcase', 'strip', 'lstrip', 'rstrip', 'chomp', 'chop']);

const regsubst: PuppetFunction = (ctx, args) => {
  const [target, pattern, replacement] = args;
  const flags = args.length > 3 && typeof args[3] === 'string' ? args[3] : '';
  // With a Regexp, Puppet 7 takes only the G flag (the others belong in the regexp itself).
  if (pattern instanceof PRegexp && args.length > 3 && !(typeof args[3] === 'string' && /^G?$/.test(args[3]))) {
    throw ctx.error('KSP-EVAL-007', { function: 'regsubst', parameter: 'flags', mismatch: `expects a match for Pattern[/^G?$/] with a Regexp pattern (I, E and M belong in the regexp), got ${typeNameOf(args[3])}` });
  }
  let jsFlags = '';
  if (flags.includes('G')) jsFlags += 'g';
  if (flags.includes('I')) jsFlags += 'i';
  if (flags.includes('M')) jsFlags += 's';
  const re = pattern instanceof PRegexp ? new RegExp(pattern.regexp.source, pattern.regexp.flags + jsFlags) : toJsRegExp(expectString(ctx, pattern, 'pattern'), jsFlags);
  if (typeof replacement !== 'string' && !(replacement instanceof Map)) throw ctx.error('KSP-EVAL-007', { function: 'regsubst', parameter: 'replacement', mismatch: `expects a String or Hash value, got ${typeNameOf(replacement)}` });
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

const versioncmpFn: PuppetFunction = (_ctx, args) => {
  return BigInt(versioncmp(args[0] as string, args[1] as string));
};

const match: PuppetFunction = (ctx, args) => {
  const p = args[1];
  const re = p instanceof PRegexp ? p.regexp : typeof p === 'string' ? toJsRegExp(p)
    : p instanceof RegexpType && p.pattern ? p.pattern.regexp : null;
  if (!re) throw ctx.error('KSP-EVAL-007', { function: 'match', parameter: 'pattern', mismatch: `expects a String, Regexp or Pattern value, got ${typeNameOf(p)}` });
  const one = (s: Value): Value => {
    const m = re.exec(expectString(ctx, s, 'string'));
    return m ? [...m].map((x) => x ?? undefined) : undefined;
  };
  return Array.isArray(args[0]) ? args[0].map(one) : one(args[0]);
};

/** shellquote: each word quoted for a Bourne shell as Puppet does, joined with spaces. */
const shellquote: PuppetFunction = (_ctx, args) => {
  const SAFE = /^[a-zA-Z0-9@%_+=:,./-]+$/;
  const DANGEROUS = /[!"`$\\]/;
  return (args.flat(Infinity as 1) as Value[]).map((w) => {
    const word = formatValue(w);
    if (SAFE.test(word)) return word;
    if (!DANGEROUS.test(word)) return `"${word}"`;
    if (!word.includes("'")) return `'${word}'`;
    return `"${word.replace(/[!"`$\\]/g, '\\$&')}"`;
  }).join(' ');
};

const digest = (algo: string): PuppetFunction => (_ctx, args) => createHash(algo).update(args[0] as string).digest('hex');

export const STRING_FUNCTIONS: BuiltinFunction[] = [
  fn('split', 'String str, Any pattern', 'Array[String]', split),
  fn('join', 'Array arg, String delimiter?', 'String', join),
  fn('sprintf', 'String format, Any *args', 'String', sprintfFn),
  fn('regsubst', 'Any target, Any pattern, Any replacement, Any flags?, Any encoding?', 'Variant[String, Array]', regsubst),
  fn('versioncmp', 'String a, String b, Any ignore_trailing_zeroes?', 'Integer', versioncmpFn),
  fn('match', 'Any string, Any pattern', 'Optional[Array]', match),
  ...([
    ['upcase', (s) => s.toUpperCase()],
    ['downcase', (s) => s.toLowerCase()],
    ['capitalize', capitalize],
    ['strip', (s) => s.trim()],
    ['lstrip', (s) => s.trimStart()],
    ['rstrip', (s) => s.trimEnd()],
    ['chomp', (s) => s.replace(/\r?\n$|\r$/, '')],
    ['chop', (s) => (s.endsWith('\r\n') ? s.slice(0, -2) : s.slice(0, -1))],
    ['camelcase', (s) => s.split('_').map(capitalize).join('')],
    ['snakecase', (s) => s.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/::/g, '/').toLowerCase()],
  ] as [string, (s: string) => string][]).map(([name, f]) => fn(name,
    // Puppet 7's capitalize, camelcase, strip, lstrip, rstrip, chomp and chop take an Iterable of
    // Strings and Numerics (no nested arrays); upcase and downcase their own Array and Hash forms.
    ITERABLE_OF_STRINGS.has(name) ? 'Variant[Numeric, String, Array[Variant[String, Numeric]], Hash] arg' : 'Variant[Numeric, String, Array, Hash] arg',
    'Variant[Numeric, String, Array, Hash]', stringFn(f))),
  fn('shellquote', 'Any *args', 'String', shellquote),
  ...['sha1', 'sha256', 'md5'].map((algo) => fn(algo, 'String str', 'String', digest(algo))),
];
