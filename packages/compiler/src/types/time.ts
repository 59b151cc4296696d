// Puppet's Timespan and Timestamp: values in nanoseconds (BigInt, so nothing is lost between
// construction, arithmetic and printing), how `new` builds them from numbers, hashes and strings,
// how Puppet prints them (`3-12:00:00.0`, `2025-01-01T00:00:00.000000000 UTC`) and their
// strftime. Arithmetic and comparison follow Puppet 7: Timestamp - Timestamp is a Timespan, a
// Number stands for seconds, Timestamp + Timestamp is an error.
import { raise } from '../messages.ts';

const NS = 1_000_000_000n;
const UNIT_NS: Record<string, bigint> = {
  days: 86_400n * NS, hours: 3_600n * NS, minutes: 60n * NS, seconds: NS,
  milliseconds: 1_000_000n, microseconds: 1_000n, nanoseconds: 1n,
};

/** A duration (Puppet's Timespan), in nanoseconds. */
export class PTimespan {
  readonly ns: bigint;
  constructor(ns: bigint) {
    this.ns = ns;
  }
  toString(): string {
    return formatTimespan(this, '%D-%H:%M:%S.%-N');
  }
}

/** A point in time (Puppet's Timestamp), in nanoseconds since the epoch (UTC). */
export class PTimestamp {
  readonly ns: bigint;
  constructor(ns: bigint) {
    this.ns = ns;
  }
  /** Whole milliseconds since the epoch (for JavaScript's Date). */
  get ms(): number {
    return Number(floorDiv(this.ns, 1_000_000n));
  }
  static fromMs(ms: number): PTimestamp {
    return new PTimestamp(BigInt(Math.round(ms)) * 1_000_000n);
  }
  toString(): string {
    return formatTimestamp(this, '%FT%T.%N %Z');
  }
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Seconds (Integer or Float) as nanoseconds. */
export function secondsToNs(v: bigint | number): bigint {
  if (typeof v === 'bigint') return v * NS;
  return BigInt(Math.round(v * 1e9));
}


// ---- Timespan -----------------------------------------------------------------------------

export const TIMESPAN_FORMATS = ['%D-%H:%M:%S.%-N', '%H:%M:%S.%-N', '%M:%S.%-N', '%S.%-N', '%D-%H:%M:%S', '%H:%M:%S', '%D-%H:%M', '%S'];

/** Timespan({days => 1, hours => 2, …}): every unit adds up; unknown keys are an error. */
export function timespanFromHash(h: Map<unknown, unknown>): PTimespan {
  // {string => '5 min', format => '%M min'} reads a string.
  if (typeof h.get('string') === 'string') {
    const f = h.get('format');
    return parseTimespan(h.get('string') as string, typeof f === 'string' ? [f] : Array.isArray(f) ? f.map(String) : TIMESPAN_FORMATS);
  }
  let ns = 0n;
  let negative = false;
  for (const [k, v] of h) {
    if (k === 'negative') { negative = v === true; continue; }
    const unit = typeof k === 'string' ? UNIT_NS[k] : undefined;
    if (unit === undefined || (typeof v !== 'bigint' && typeof v !== 'number')) throw raise('KSP-FUNC-103', { key: String(k) });
    ns += typeof v === 'bigint' ? v * unit : BigInt(Math.round(v * Number(unit)));
  }
  return new PTimespan(negative ? -ns : ns);
}

/** Timespan('2-03:04:05') with Puppet's default formats, or with the given ones. */
export function parseTimespan(text: string, formats: string[] = TIMESPAN_FORMATS): PTimespan {
  for (const f of formats) {
    const r = matchTimespan(text, f);
    if (r !== undefined) return r;
  }
  throw raise('KSP-FUNC-101', { text, formats: formats.join(', ') });
}

function matchTimespan(text: string, format: string): PTimespan | undefined {
  const fields: string[] = [];
  let re = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') { re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); continue; }
    let j = i + 1;
    while (j < format.length && /[-_0^#\d]/.test(format[j])) j++;
    const d = format[j];
    i = j;
    if (d === '%') { re += '%'; continue; }
    if (!'DHMSLN'.includes(d)) return undefined;
    fields.push(d);
    re += d === 'L' || d === 'N' ? '(\\d+)' : '(\\d+)';
  }
  const m = new RegExp(`^\\s*(-)?${re}\\s*$`).exec(text);
  if (!m) return undefined;
  let ns = 0n;
  fields.forEach((d, k) => {
    const s = m[k + 2];
    switch (d) {
      case 'D': ns += BigInt(s) * UNIT_NS.days; break;
      case 'H': ns += BigInt(s) * UNIT_NS.hours; break;
      case 'M': ns += BigInt(s) * UNIT_NS.minutes; break;
      case 'S': ns += BigInt(s) * NS; break;
      case 'L': ns += BigInt(s.padEnd(3, '0').slice(0, 3)) * 1_000_000n; break;
      case 'N': ns += BigInt(s.padEnd(9, '0').slice(0, 9)); break;
    }
  });
  return new PTimespan(m[1] ? -ns : ns);
}

/** strftime for a Timespan: %D days, %H %M %S (the largest unit present takes the whole), %L %N fractions. */
export function formatTimespan(span: PTimespan, format: string): string {
  const negative = span.ns < 0n;
  const total = negative ? -span.ns : span.ns;
  const present = new Set<string>();
  format.replace(/%[-_0^#]*\d*([DHMSLN])/g, (_m, d: string) => { present.add(d); return ''; });
  const largest = ['D', 'H', 'M', 'S'].find((d) => present.has(d));
  const seconds = total / NS;
  const value = (d: string): bigint => {
    switch (d) {
      case 'D': return seconds / 86_400n;
      case 'H': return largest === 'H' ? seconds / 3_600n : (seconds / 3_600n) % 24n;
      case 'M': return largest === 'M' ? seconds / 60n : (seconds / 60n) % 60n;
      default: return largest === 'S' ? seconds : seconds % 60n;
    }
  };
  const out = format.replace(/%([-_0^#]*)(\d*)([DHMSLN%])/g, (_m, flags: string, width: string, d: string) => {
    if (d === '%') return '%';
    const pad = flags.includes('-') ? '' : flags.includes('_') ? ' ' : '0';
    if (d === 'L' || d === 'N') {
      const digits = d === 'L' ? 3 : 9;
      let s = String(d === 'L' ? (total % NS) / 1_000_000n : total % NS).padStart(digits, '0');
      if (d === 'N' && flags.includes('-')) s = String(total % NS).replace(/0+$/, '') || '0';
      else if (width) s = s.padEnd(Number(width), '0').slice(0, Number(width));
      return s;
    }
    const n = String(value(d));
    const w = width ? Number(width) : d === 'D' ? 1 : 2;
    return pad === '' ? n : n.padStart(w, pad);
  });
  return negative ? `-${out}` : out;
}

// ---- Timestamp ----------------------------------------------------------------------------

const ZONES: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420,
  CET: 60, CEST: 120, EET: 120, EEST: 180, WET: 0, WEST: 60,
};

/** A zone name or offset ('UTC', 'EST', '+02:00', '-0500') in minutes east of UTC. */
export function zoneOffset(zone: string): number {
  const z = zone.trim();
  const m = /^([+-])(\d\d):?(\d\d)$/.exec(z);
  if (m) return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  const named = ZONES[z.toUpperCase()];
  if (named === undefined) throw raise('KSP-FUNC-102', { zone });
  return named;
}

export const TIMESTAMP_FORMATS = ['%FT%T.%N %Z', '%FT%T %Z', '%F %T.%N %Z', '%F %T %Z', '%F %Z', '%FT%T.%N', '%FT%T', '%F %T.%N', '%F %T', '%F'];

/** Timestamp('2025-01-01T00:00:00.000 UTC'), with Puppet's formats or the given ones, in `zone` when the text has none. */
export function parseTimestamp(text: string, formats: string[] = TIMESTAMP_FORMATS, zone = 'UTC'): PTimestamp {
  for (const f of formats) {
    const r = matchTimestamp(text, f, zone);
    if (r !== undefined) return r;
  }
  // ISO 8601 with 'Z' or a numeric offset also reads (Ruby's DateTime fallback does).
  const iso = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(\.\d+)?(Z|[+-]\d\d:?\d\d)$/.exec(text.trim());
  if (iso) {
    return matchTimestamp(`${iso[1]}T${iso[2].length === 5 ? `${iso[2]}:00` : iso[2]}${iso[3] ?? ''} ${iso[4]}`, iso[3] ? '%FT%T.%N %Z' : '%FT%T %Z', zone)!;
  }
  throw raise('KSP-FUNC-101', { text, formats: formats.join(', ') });
}

const EXPAND: Record<string, string> = { F: '%Y-%m-%d', T: '%H:%M:%S', R: '%H:%M', D: '%m/%d/%y' };

function matchTimestamp(text: string, format0: string, zone: string): PTimestamp | undefined {
  const format = format0.replace(/%([FTRD])/g, (_m, c: string) => EXPAND[c]);
  const fields: string[] = [];
  let re = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') { re += c === ' ' ? '\\s*' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); continue; }
    let j = i + 1;
    while (j < format.length && /[-_0^#:\d]/.test(format[j])) j++;
    const d = format[j];
    i = j;
    switch (d) {
      case '%': re += '%'; continue;
      case 'Y': re += '([+-]?\\d{1,})'; break;
      case 'm': case 'd': case 'H': case 'M': case 'S': case 'e': case 'y': re += '\\s*(\\d{1,2})'; break;
      case 'j': re += '(\\d{1,3})'; break;
      case 'L': case 'N': re += '(\\d+)'; break;
      case 's': re += '(-?\\d+)'; break;
      case 'z': case 'Z': re += '(Z|[A-Za-z][A-Za-z_/]*|[+-]\\d\\d:?\\d\\d)'; break;
      default: return undefined;
    }
    fields.push(d);
  }
  const m = new RegExp(`^\\s*${re}\\s*$`).exec(text);
  if (!m) return undefined;
  let year = 1970; let month = 1; let day = 1; let hour = 0; let minute = 0; let second = 0; let frac = 0n;
  let offset: number | undefined;
  let epoch: bigint | undefined;
  fields.forEach((d, k) => {
    const s = m[k + 1];
    switch (d) {
      case 'Y': year = Number(s); break;
      case 'y': year = 2000 + Number(s) - (Number(s) >= 69 ? 100 : 0); break;
      case 'm': month = Number(s); break;
      case 'd': case 'e': day = Number(s); break;
      case 'H': hour = Number(s); break;
      case 'M': minute = Number(s); break;
      case 'S': second = Number(s); break;
      case 'L': frac = BigInt(s.padEnd(3, '0').slice(0, 3)) * 1_000_000n; break;
      case 'N': frac = BigInt(s.padEnd(9, '0').slice(0, 9)); break;
      case 's': epoch = BigInt(s) * NS; break;
      case 'z': case 'Z': offset = zoneOffset(s); break;
    }
  });
  if (epoch !== undefined) return new PTimestamp(epoch);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - (offset ?? zoneOffset(zone)) * 60_000;
  if (Number.isNaN(ms)) return undefined;
  return new PTimestamp(BigInt(ms) * 1_000_000n + frac);
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** strftime for a Timestamp (Ruby's directives), in UTC or the given zone. */
export function formatTimestamp(t: PTimestamp, format: string, zone = 'UTC'): string {
  const offset = zoneOffset(zone);
  const ns = t.ns + BigInt(offset) * 60n * NS;
  const sub = ((ns % NS) + NS) % NS;
  const d = new Date(Number(floorDiv(ns, 1_000_000n)));
  // Ruby names only UTC; a time moved to another zone has an empty %Z.
  const zoneName = ['UTC', 'Z'].includes(zone.toUpperCase()) ? 'UTC' : '';
  const sign = offset < 0 ? '-' : '+';
  const oh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const om = String(Math.abs(offset) % 60).padStart(2, '0');
  return format.replace(/%([-_0^#]*)(\d*)(:?)([A-Za-z%+])/g, (all, flags: string, width: string, colon: string, c: string) => {
    const num = (n: number, w: number, padChar = '0'): string => {
      if (flags.includes('-')) return String(n);
      const p = flags.includes('_') ? ' ' : flags.includes('0') ? '0' : padChar;
      return String(n).padStart(width ? Number(width) : w, p);
    };
    const text = (s: string): string => {
      const r = flags.includes('^') ? s.toUpperCase() : flags.includes('#') ? s.toLowerCase() : s;
      return width ? r.padStart(Number(width), flags.includes('0') ? '0' : ' ') : r;
    };
    const h = d.getUTCHours();
    switch (c) {
      case 'Y': return num(d.getUTCFullYear(), 1);
      case 'C': return num(Math.floor(d.getUTCFullYear() / 100), 2);
      case 'y': return num(d.getUTCFullYear() % 100, 2);
      case 'm': return num(d.getUTCMonth() + 1, 2);
      case 'B': return text(MONTHS[d.getUTCMonth()]);
      case 'b': case 'h': return text(MONTHS[d.getUTCMonth()].slice(0, 3));
      case 'd': return num(d.getUTCDate(), 2);
      case 'e': return num(d.getUTCDate(), 2, ' ');
      case 'j': return num(Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3);
      case 'H': return num(h, 2);
      case 'k': return num(h, 2, ' ');
      case 'I': return num(h % 12 === 0 ? 12 : h % 12, 2);
      case 'l': return num(h % 12 === 0 ? 12 : h % 12, 2, ' ');
      case 'P': return h < 12 ? 'am' : 'pm';
      case 'p': return text(h < 12 ? 'AM' : 'PM');
      case 'M': return num(d.getUTCMinutes(), 2);
      case 'S': return num(d.getUTCSeconds(), 2);
      case 'L': case 'N': {
        const w = width ? Number(width) : c === 'L' ? 3 : 9;
        return String(sub).padStart(9, '0').padEnd(w, '0').slice(0, w);
      }
      case 's': return String(floorDiv(t.ns, NS));
      case 'z': return colon ? `${sign}${oh}:${om}` : `${sign}${oh}${om}`;
      case 'Z': return text(zoneName);
      case 'A': return text(DAYS[d.getUTCDay()]);
      case 'a': return text(DAYS[d.getUTCDay()].slice(0, 3));
      case 'u': return String(d.getUTCDay() || 7);
      case 'w': return String(d.getUTCDay());
      case 'F': return formatTimestamp(t, '%Y-%m-%d', zone);
      case 'T': case 'X': return formatTimestamp(t, '%H:%M:%S', zone);
      case 'R': return formatTimestamp(t, '%H:%M', zone);
      case 'r': return formatTimestamp(t, '%I:%M:%S %p', zone);
      case 'D': case 'x': return formatTimestamp(t, '%m/%d/%y', zone);
      case 'c': return formatTimestamp(t, '%a %b %e %H:%M:%S %Y', zone);
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return all;
    }
  });
}
