// schedule: when resources that name it (`schedule => NAME`) may be applied, as Puppet's
// schedule type: a time range within the day (which may cross midnight), weekdays, and a period
// (hourly, daily, weekly, monthly, never) with repeat, measured from when the resource was last
// checked, by distance (the default) or by calendar number. Puppet's default schedules (puppet,
// hourly, daily, weekly, monthly, never) exist unless the catalog declares its own of that name.
import { asList, asString, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

const SCALES: Record<string, number> = { hourly: 3600, daily: 86400, weekly: 604800, monthly: 2592000 };
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export const DEFAULT_SCHEDULES: Record<string, Record<string, unknown>> = {
  puppet: { period: 'hourly', repeat: 2 },
  hourly: { period: 'hourly' },
  daily: { period: 'daily' },
  weekly: { period: 'weekly' },
  monthly: { period: 'monthly' },
  never: { period: 'never' },
};

function ranges(params: Record<string, unknown>, ref: string): [number[], number[]][] {
  return asList(params.range).map((v) => {
    const text = String(v);
    if (!/\d+(:\d+){0,2}\s*-\s*\d+(:\d+){0,2}/.test(text)) throw raise('KSP-PROVIDERS-056', { ref, parameter: 'range', value: text });
    const parts = text.split(/\s*-\s*/).map((t) => { const a = t.split(':').map(Number); while (a.length < 3) a.push(0); return a; });
    if (parts.length !== 2 || parts.some((p) => p[0] > 23 || p[1] > 59)) throw raise('KSP-PROVIDERS-056', { ref, parameter: 'range', value: text });
    return [parts[0], parts[1]] as [number[], number[]];
  });
}

function weekdays(params: Record<string, unknown>, ref: string): Set<number> | undefined {
  if (params.weekday === undefined) return undefined;
  return new Set(asList(params.weekday).map((v) => {
    const s = String(v);
    if (/^[0-6]$/.test(s)) return Number(s);
    if (!/^(Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(day)?$/i.test(s)) throw raise('KSP-PROVIDERS-056', { ref, parameter: 'weekday', value: s });
    return DAYS.indexOf(s.slice(0, 3).toLowerCase());
  }));
}

const at = (d: Date, t: number[], dayOffset = 0) => new Date(d.getFullYear(), d.getMonth(), d.getDate() + dayOffset, t[0], t[1], t[2]);

/** Whether a resource on this schedule may be applied now, last checked at `previous` (ms; 0: never). */
export function scheduleMatches(params: Record<string, unknown>, previous: number, now: Date, ref = 'Schedule'): boolean {
  const days = weekdays(params, ref);
  const dayOk = (wday: number) => !days || days.has(wday);
  if (params.range !== undefined) {
    const inRange = ranges(params, ref).some(([start, end]) => {
      const s = at(now, start);
      const e = at(now, end);
      if (s < e) return now >= s && now <= e && dayOk(now.getDay());
      // Across midnight: the day it started counts.
      if (now >= s && now <= at(now, end, 1)) return dayOk(now.getDay());
      return now >= at(now, start, -1) && now <= e && dayOk((now.getDay() + 6) % 7);
    });
    if (!inRange) return false;
  } else if (!dayOk(now.getDay())) return false;
  const period = asString(params.period);
  if (period === 'never') return false;
  if (period !== undefined) {
    const prev = new Date(previous);
    if ((asString(params.periodmatch) ?? 'distance') === 'number') {
      if (period === 'weekly') return prev.getDay() > now.getDay() || now.getTime() - previous > 7 * 86400e3;
      const part = { hourly: (d: Date) => d.getHours(), daily: (d: Date) => d.getDate(), monthly: (d: Date) => d.getMonth() }[period];
      return part ? part(now) !== part(prev) : true;
    }
    const repeat = Number(params.repeat ?? 1);
    return Math.floor(now.getTime() / 1000) - Math.floor(previous / 1000) >= SCALES[period] / repeat;
  }
  return true;
}

export const scheduleType: TypeDefinition = {
  name: 'schedule',
  namevar: 'name',
  properties: [],
  parameters: ['name', 'range', 'period', 'periodmatch', 'repeat', 'weekday'],
  validate(r: Resource) {
    ranges(r.params, r.ref);
    weekdays(r.params, r.ref);
    const period = asString(r.params.period);
    if (period !== undefined && !['hourly', 'daily', 'weekly', 'monthly', 'never'].includes(period)) throw raise('KSP-PROVIDERS-001', { parameter: 'period', ref: r.ref, value: period, values: 'hourly, daily, weekly, monthly, never' });
    const pm = asString(r.params.periodmatch);
    if (pm !== undefined && !['number', 'distance'].includes(pm)) throw raise('KSP-PROVIDERS-001', { parameter: 'periodmatch', ref: r.ref, value: pm, values: 'number, distance' });
    if (r.params.repeat !== undefined && !/^\d+$/.test(String(r.params.repeat))) throw raise('KSP-PROVIDERS-056', { ref: r.ref, parameter: 'repeat', value: String(r.params.repeat) });
  },
  desired: () => ({}),
};

/** A schedule is only read by the transaction: nothing to retrieve or sync. */
export const scheduleProvider = {
  name: 'schedule',
  type: 'schedule',
  suitable: () => true,
  async retrieve() { return {}; },
  async sync() { /* nothing */ },
};

/** A schedule's parameters: the catalog's schedule of that name, else Puppet's default one; KSP-PROVIDERS-057 when neither. */
export function findSchedule(name: string, declared: Map<string, Record<string, unknown>>): Record<string, unknown> {
  const s = declared.get(name) ?? DEFAULT_SCHEDULES[name];
  if (!s) throw raise('KSP-PROVIDERS-057', { schedule: name });
  return s;
}
