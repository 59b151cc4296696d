// The `timezone` fact as Facter 4 makes it (Ruby's `Time.now.localtime.strftime('%Z')`, which is
// the C library's abbreviation for local time): `UTC`, `CET`/`CEST`, `EST`/`EDT`, `+0545`.
// Read from the zone file the C library reads (TZ, else /etc/localtime; RFC 8536's TZif format),
// not through Intl: Intl answers `GMT+1` where the C library says `CET`, and its first use maps
// about 6.5 MiB of ICU's data and code into every process that collects facts.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** The local time zone's abbreviation at `at`, as glibc's localtime gives it for this `tz` (the TZ variable). */
export function zoneAbbreviation(at: Date = new Date(), tz: string | undefined = process.env.TZ): string {
  const seconds = Math.floor(at.getTime() / 1000);
  // glibc: TZ unset → /etc/localtime; TZ empty → UTC; a leading ':' names a file.
  if (tz === '') return 'UTC';
  const name = tz === undefined || tz === ':' ? undefined : tz.replace(/^:/, '');
  const file = name === undefined ? '/etc/localtime' : isAbsolute(name) ? name : join(process.env.TZDIR || '/usr/share/zoneinfo', name);
  let data: Buffer | undefined;
  if (name === undefined || !name.split('/').includes('..')) {
    try {
      data = readFileSync(file);
    } catch {
      data = undefined;
    }
  }
  if (data && data.subarray(0, 4).toString('latin1') === 'TZif') {
    const found = fromTzif(data, seconds);
    if (found !== undefined) return found;
  }
  // Not a zone file: TZ itself may be a POSIX rule (`EST5EDT,M3.2.0,M11.1.0`). Of anything else
  // glibc keeps a leading name (`Europe/Nowhere` is UTC called `Europe`), or none.
  if (name !== undefined) return fromPosixRule(name, seconds) ?? /^(?:<([^>]+)>|([A-Za-z]{3,}))/.exec(name)?.slice(1).find((n) => n !== undefined) ?? '';
  return 'UTC';
}

/** The abbreviation in force at `seconds` (since the epoch) from a TZif file, undefined if the file is malformed. */
function fromTzif(data: Buffer, seconds: number): string | undefined {
  const header = (at: number) => {
    if (data.length < at + 44 || data.subarray(at, at + 4).toString('latin1') !== 'TZif') return undefined;
    const count = (i: number) => data.readUInt32BE(at + 20 + 4 * i);
    return { version: data[at + 4], isutcnt: count(0), isstdcnt: count(1), leapcnt: count(2), timecnt: count(3), typecnt: count(4), charcnt: count(5) };
  };
  const v1 = header(0);
  if (!v1) return undefined;
  const size = (h: NonNullable<ReturnType<typeof header>>, t: number) => h.timecnt * t + h.timecnt + h.typecnt * 6 + h.charcnt + h.leapcnt * (t + 4) + h.isstdcnt + h.isutcnt;
  // Version 2 and later repeat the data with 64-bit times, then a POSIX rule for times after the last transition.
  let h = v1;
  let at = 44;
  let timeSize = 4;
  let footer: string | undefined;
  if (v1.version >= 0x32) {
    const second = 44 + size(v1, 4);
    const v2 = header(second);
    if (!v2) return undefined;
    h = v2;
    at = second + 44;
    timeSize = 8;
    const end = at + size(v2, 8);
    const nl = data.indexOf(0x0a, end + 1);
    if (data[end] === 0x0a && nl > end) footer = data.subarray(end + 1, nl).toString('latin1');
  }
  if (h.typecnt === 0 || data.length < at + size(h, timeSize)) return undefined;
  const times = at;
  const indices = times + h.timecnt * timeSize;
  const types = indices + h.timecnt;
  const chars = types + h.typecnt * 6;
  const abbreviation = (type: number) => {
    if (type >= h.typecnt) return undefined;
    const start = chars + data[types + type * 6 + 5];
    const end = data.indexOf(0, start);
    return data.subarray(start, end < 0 || end > chars + h.charcnt ? chars + h.charcnt : end).toString('latin1');
  };
  const time = (i: number) => (timeSize === 8 ? Number(data.readBigInt64BE(times + i * 8)) : data.readInt32BE(times + i * 4));
  // The last transition at or before the moment; before the first one, the first type.
  let lo = 0;
  let hi = h.timecnt;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time(mid) <= seconds) lo = mid + 1;
    else hi = mid;
  }
  if (lo === h.timecnt && footer) {
    const ruled = fromPosixRule(footer, seconds);
    if (ruled !== undefined) return ruled;
  }
  return abbreviation(lo === 0 ? 0 : data[indices + lo - 1]);
}

/** A POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`, `<+0545>-5:45`): the abbreviation at `seconds`, undefined if it is not one. */
export function fromPosixRule(rule: string, seconds: number): string | undefined {
  const m = /^(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{1,2}){0,2})(?:(<[^>]+>|[A-Za-z]{3,})([+-]?\d{1,2}(?::\d{1,2}){0,2})?(?:,([^,]+),([^,]+))?)?$/.exec(rule);
  if (!m) return undefined;
  const bare = (n: string) => n.replace(/^<|>$/g, '');
  const std = bare(m[1]);
  if (!m[3]) return std;
  const dst = bare(m[3]);
  // POSIX offsets are hours west of Greenwich: local + offset = UTC.
  const stdOffset = clock(m[2]);
  const dstOffset = m[4] !== undefined ? clock(m[4]) : stdOffset - 3600;
  // Without rules, glibc takes the US rules of 2007.
  const startRule = m[5] ?? 'M3.2.0';
  const endRule = m[6] ?? 'M11.1.0';
  const year = new Date((seconds - stdOffset) * 1000).getUTCFullYear();
  const start = ruleTime(startRule, year);
  const end = ruleTime(endRule, year);
  if (start === undefined || end === undefined) return undefined;
  // The start is given in standard local time, the end in daylight local time.
  const startUtc = start + stdOffset;
  const endUtc = end + dstOffset;
  const inDst = startUtc < endUtc ? seconds >= startUtc && seconds < endUtc : !(seconds >= endUtc && seconds < startUtc);
  return inDst ? dst : std;
}

/** `[+-]hh[:mm[:ss]]` in seconds. */
function clock(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const [h, mi = 0, s = 0] = text.replace(/^[+-]/, '').split(':').map(Number);
  return sign * (h * 3600 + mi * 60 + s);
}

/** Seconds since the epoch (as if local time were UTC) of a rule's date and time in `year`: `Jn`, `n`, `Mm.w.d`, each with `/time`. */
function ruleTime(rule: string, year: number): number | undefined {
  const [date, at = '2'] = rule.split('/');
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const jan1 = Date.UTC(year, 0, 1) / 1000;
  let day: number;
  let m: RegExpExecArray | null;
  if ((m = /^J(\d{1,3})$/.exec(date))) {
    // 1 … 365, February 29th never counted.
    const n = Number(m[1]);
    day = n - 1 + (leap && n >= 60 ? 1 : 0);
  } else if ((m = /^(\d{1,3})$/.exec(date))) {
    day = Number(m[1]);
  } else if ((m = /^M(\d{1,2})\.(\d)\.(\d)$/.exec(date))) {
    const [month, week, weekday] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return undefined;
    const first = new Date(Date.UTC(year, month - 1, 1));
    const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
    let dom = 1 + ((weekday - first.getUTCDay() + 7) % 7) + (week - 1) * 7;
    while (dom > length) dom -= 7;
    day = (first.getTime() / 1000 - jan1) / 86400 + dom - 1;
  } else {
    return undefined;
  }
  if (!/^[+-]?\d{1,3}(?::\d{1,2}){0,2}$/.test(at)) return undefined;
  return jan1 + day * 86400 + clock(at);
}
