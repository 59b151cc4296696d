// resources: purges what the catalog does not declare, as Puppet's resources type: with
// `purge => true`, every instance of the named type on this host (its provider's instances)
// that the catalog lacks becomes `TYPE { NAME: ensure => absent }` before the run, with this
// resource's metaparameters (`noop => true` only reports). Users are kept when they are system
// users (root, daemon, nobody …, or a uid up to unless_system_user: UID_MIN - 1 from
// /etc/login.defs by default) or their uid is in unless_uid.
import { existsSync, readFileSync } from 'node:fs';
import { METAPARAMETERS, RELATIONSHIP_PARAMETERS } from '@kasper/catalog';
import { asBool, asList, type GeneratedResource, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';
import { passwdEntry } from '../posix.ts';

const SYSTEM_USERS = ['root', 'nobody', 'bin', 'noaccess', 'daemon', 'sys'];

/** The highest uid of a system user: UID_MIN - 1 from /etc/login.defs, else 499. */
export function systemUsersMaxUid(): number {
  if (existsSync('/etc/login.defs')) {
    const m = /^\s*UID_MIN\s+(\d+)(\s*#.*)?$/m.exec(readFileSync('/etc/login.defs', 'utf8'));
    if (m) return Number(m[1]) - 1;
  }
  return 499;
}

/** unless_system_user as a uid limit, or false. */
function systemLimit(r: Resource): number | false {
  const v = r.params.unless_system_user;
  if (v === undefined) return r.name === 'user' ? systemUsersMaxUid() : false;
  if (v === true || v === 'true') return systemUsersMaxUid();
  if (v === false || v === 'false') return false;
  if (/^\d+$/.test(String(v))) return Number(v);
  throw raise('KSP-PROVIDERS-001', { parameter: 'unless_system_user', ref: r.ref, value: String(v), values: 'true, false, a uid' });
}

export const resourcesType: TypeDefinition = {
  name: 'resources',
  namevar: 'name',
  properties: [],
  parameters: ['name', 'purge', 'unless_system_user', 'unless_uid'],
  validate(r) {
    r.name = r.name.toLowerCase();
    systemLimit(r);
    for (const u of asList(r.params.unless_uid).flat()) if (!/^\d+$/.test(String(u))) throw raise('KSP-PROVIDERS-001', { parameter: 'unless_uid', ref: r.ref, value: String(u), values: 'uids' });
  },
  desired: () => ({}),
  async generate(r, all, ctx) {
    if (!asBool(r.params.purge, false)) return [];
    const found = await ctx.instancesOf?.(r.name);
    if (!found) throw raise('KSP-PROVIDERS-055', { type: r.name });
    const declared = new Set(all.filter((x) => x.type === r.name).map((x) => x.name));
    const limit = systemLimit(r);
    const keepUids = new Set(asList(r.params.unless_uid).flat().map(String));
    const keep = (name: string): boolean => {
      if (r.name !== 'user' || limit === false) return false;
      if (SYSTEM_USERS.includes(name)) return true;
      const uid = passwdEntry(name)?.[2];
      if (uid === undefined) return false;
      return keepUids.has(uid) || Number(uid) <= limit;
    };
    // This resource's metaparameters (noop, tag, loglevel …) go to what it purges, not its relationships.
    const meta = Object.fromEntries(Object.entries(r.params).filter(([k]) => METAPARAMETERS.has(k) && !(RELATIONSHIP_PARAMETERS as readonly string[]).includes(k)));
    const type = r.name[0].toUpperCase() + r.name.slice(1);
    return found.filter((i) => !declared.has(i.name) && !keep(i.name))
      .map((i): GeneratedResource => ({ type, title: i.name, params: { ...meta, ...i.params, ensure: 'absent' } }));
  },
};

/** resources does its work through what it generates. */
export const resourcesProvider = {
  name: 'resources',
  type: 'resources',
  suitable: () => true,
  async retrieve() { return {}; },
  async sync() { /* nothing */ },
};
