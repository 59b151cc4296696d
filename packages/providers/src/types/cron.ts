// cron: a job in a user's crontab, as Puppet's cron type. Time fields take numbers, ranges,
// steps, lists and (weekday, month) names; `absent` or `*` means every value. A job Kasper (or
// Puppet) wrote carries a `# Puppet Name: NAME` comment line above it; a job without one is
// adopted when its command and schedule match the resource's.
import { asList, asString, type PropertyDef, type Resource, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

export const TIME_FIELDS = ['minute', 'hour', 'monthday', 'month', 'weekday'] as const;
const BOUNDS: Record<string, [number, number]> = { minute: [0, 59], hour: [0, 23], monthday: [1, 31], month: [1, 12], weekday: [0, 7] };
const NAMES: Record<string, string[]> = {
  weekday: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  month: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'],
};
export const SPECIALS = ['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'midnight', 'hourly'];

/** One time field's value as the crontab writes it (`0,30`), or `absent` for `*`. */
export function timeField(field: string, v: unknown, r: Resource): string {
  const out: string[] = [];
  for (const x of asList(v).map((e) => String(e))) {
    if (x === 'absent' || x === '*') return 'absent';
    if (/^\*\/\d+$|^\d+-\d+(\/\d+)?$/.test(x)) { out.push(x); continue; }
    if (/^\d+$/.test(x)) {
      const [lo, hi] = BOUNDS[field];
      if (Number(x) < lo || Number(x) > hi) throw raise('KSP-PROVIDERS-039', { ref: r.ref, field, value: x });
      out.push(x);
      continue;
    }
    const names = NAMES[field];
    const lower = x.toLowerCase();
    const i = names ? names.findIndex((n) => (lower.length === 3 ? n.slice(0, 3) === lower : n === lower)) : -1;
    if (i < 0) throw raise('KSP-PROVIDERS-039', { ref: r.ref, field, value: x });
    out.push(String(field === 'month' ? i + 1 : i));
  }
  return out.length ? out.join(',') : 'absent';
}

/** Puppet prints a time field's values as a list: `['0', '30']`. */
const listShown = (v: unknown) => (v === 'absent' ? "'absent'" : `[${String(v).split(',').map((x) => `'${x}'`).join(', ')}]`);

const timeProperty = (name: string): PropertyDef => ({ name, show: listShown });

export const cronType: TypeDefinition = {
  name: 'cron',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'command' },
    { name: 'special' },
    ...TIME_FIELDS.map(timeProperty),
    {
      name: 'environment',
      insync: (is, should) => String(is ?? 'absent').split('\n').sort().join('\n') === String(should).split('\n').sort().join('\n'),
      show: (v, side) => (side === 'is' ? listShown(String(v).replaceAll('\n', ',')) : String(v).replaceAll('\n', ',')),
      // Puppet keeps `absent` here as a word, so its message is a change, not `undefined … from`.
      message: (is, should) => (should === 'absent' ? `environment changed ${listShown(String(is).replaceAll('\n', ','))} to absent` : undefined),
    },
  ],
  parameters: ['name', 'user', 'target'],
  validate(r: Resource) {
    const ensure = asString(r.params.ensure);
    if (ensure !== undefined && !['present', 'absent'].includes(ensure)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: ensure, values: 'present, absent' });
    const special = asString(r.params.special);
    if (special !== undefined && special !== 'absent') {
      if (!SPECIALS.includes(special)) throw raise('KSP-PROVIDERS-001', { parameter: 'special', ref: r.ref, value: special, values: SPECIALS.join(', ') });
      for (const f of TIME_FIELDS) {
        if (r.params[f] !== undefined && timeField(f, r.params[f], r) !== 'absent') throw raise('KSP-PROVIDERS-040', { ref: r.ref, field: f });
      }
    }
    for (const f of TIME_FIELDS) if (r.params[f] !== undefined) timeField(f, r.params[f], r);
    for (const e of asList(r.params.environment).map(String)) {
      if (e !== 'absent' && !/^\s*\w+\s*=/.test(e)) throw raise('KSP-PROVIDERS-041', { ref: r.ref, value: e });
    }
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = { ensure: asString(r.params.ensure) ?? 'present' };
    if (d.ensure === 'absent') return d;
    if (r.params.command !== undefined) d.command = String(r.params.command).trim();
    if (r.params.special !== undefined) d.special = String(r.params.special);
    for (const f of TIME_FIELDS) if (r.params[f] !== undefined) d[f] = timeField(f, r.params[f], r);
    if (r.params.environment !== undefined) {
      const env = asList(r.params.environment).map(String);
      d.environment = env.includes('absent') || env.length === 0 ? 'absent' : env.join('\n');
    }
    return d;
  },
  autorequire(r: Resource) {
    const user = asString(r.params.user);
    return user ? [refKey('User', user)] : [];
  },
};

/** Whose crontab a job is in: `target`, else `user`, else the user running Kasper. */
export function crontabOwner(r: Resource): string {
  return asString(r.params.target) ?? asString(r.params.user) ?? process.env.USER ?? 'root';
}
