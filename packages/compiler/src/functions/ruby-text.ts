// How Ruby turns Puppet values into text and numbers, for functions whose results depend on it
// (a seed hashed from joined arguments, a message quoting a value): Puppet hands legacy
// functions its values as Ruby objects, and their code calls to_s, inspect, join and to_i.
import { PRegexp, PSensitive, type Value } from '../values.ts';
import { formatValue } from '../types/index.ts';

/** Ruby's String#inspect: double quotes, escapes for quotes, backslashes, controls and `#{`. */
export function rubyStringInspect(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    switch (c) {
      case '"': out += '\\"'; break;
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\t': out += '\\t'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '\v': out += '\\v'; break;
      case '\x07': out += '\\a'; break;
      case '\b': out += '\\b'; break;
      case '\x1b': out += '\\e'; break;
      case '#': out += /[{$@]/.test(s[i + 1] ?? '') ? '\\#' : '#'; break;
      default: {
        const code = c.charCodeAt(0);
        out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : c;
      }
    }
  }
  return `${out}"`;
}

/** Ruby's Float#to_s: `1.0`, `1.5e+20`, `1.0e-05`. */
export function rubyFloatToS(f: number): string {
  if (!Number.isFinite(f)) return Number.isNaN(f) ? 'NaN' : f > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(f);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mant, exp] = f.toExponential().split('e');
    const m = mant.includes('.') ? mant : `${mant}.0`;
    const e = Number(exp);
    return `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = String(f);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** Ruby's inspect of a Puppet value (Ruby 3.1: `{"a"=>1}`, `nil`, `:default`). */
export function rubyInspect(v: Value): string {
  if (v === undefined) return 'nil';
  if (typeof v === 'string') return rubyStringInspect(v);
  if (Array.isArray(v)) return `[${v.map(rubyInspect).join(', ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${rubyInspect(k)}=>${rubyInspect(x)}`).join(', ')}}`;
  if (v instanceof PRegexp) return v.toString();
  if (v instanceof PSensitive) return v.toString();
  if (typeof v === 'number') return rubyFloatToS(v);
  return formatValue(v);
}

/** Ruby's to_s of a Puppet value: nil is empty, arrays and hashes are inspected. */
export function rubyToS(v: Value): string {
  if (v === undefined) return '';
  if (Array.isArray(v) || v instanceof Map || typeof v === 'number') return rubyInspect(v);
  return formatValue(v);
}

/** Ruby's Array#join: nested arrays joined with the same separator, nil empty. */
export function rubyJoin(items: readonly Value[], sep: string): string {
  return items.map((x) => (Array.isArray(x) ? rubyJoin(x, sep) : rubyToS(x))).join(sep);
}

/** Ruby's to_i: Integer as is, Float truncated, String's leading integer (or 0); undefined if Ruby has none. */
export function rubyToI(v: Value): bigint | undefined {
  if (v === undefined) return 0n; // a legacy function gets undef as ''
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? BigInt(Math.trunc(v)) : undefined;
  if (typeof v === 'string') {
    const m = /^\s*([-+]?\d(?:_?\d)*)/.exec(v);
    return m ? BigInt(m[1].replace(/_/g, '')) : 0n;
  }
  return undefined;
}
