// user and group: local accounts.
import { asBool, asList, asString, type Resource, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

export const userType: TypeDefinition = {
  name: 'user',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'uid', insync: (is, should) => String(is) === String(should) },
    { name: 'gid', insync: (is, should) => String(is) === String(should) },
    { name: 'comment' },
    { name: 'home' },
    { name: 'shell' },
    {
      name: 'groups',
      // membership => minimum (the default): the listed groups must be among the user's.
      insync: (is, should, r) => {
        const have = new Set(String(is ?? '').split(',').filter(Boolean));
        const want = String(should ?? '').split(',').filter(Boolean);
        if (asString(r.params.membership) === 'inclusive') return have.size === want.length && want.every((g) => have.has(g));
        return want.every((g) => have.has(g));
      },
    },
    { name: 'password', format: () => '[redacted]' },
  ],
  parameters: ['name', 'managehome', 'membership', 'system', 'allowdupe', 'expiry', 'purge_ssh_keys', 'forcelocal'],
  validate(r: Resource) {
    if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(r.name)) throw raise('KSP-PROVIDERS-009', { kind: 'user', name: r.name });
    const e = asString(r.params.ensure);
    if (e !== undefined && !['present', 'absent', 'role'].includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent, role' });
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = {};
    const ensure = asString(r.params.ensure) ?? (Object.keys(r.params).some((k) => ['uid', 'gid', 'home', 'shell', 'comment', 'groups', 'password'].includes(k)) ? 'present' : undefined);
    if (ensure) d.ensure = ensure;
    if (ensure === 'absent') return d;
    for (const p of ['uid', 'gid', 'comment', 'home', 'shell', 'password']) if (r.params[p] !== undefined) d[p] = String(r.params[p]);
    if (r.params.groups !== undefined) d.groups = asList(r.params.groups).map(String).sort().join(',');
    return d;
  },
  autorequire(r: Resource) {
    const out = asList(r.params.groups).map((g) => refKey('Group', String(g)));
    if (r.params.gid !== undefined && !/^\d+$/.test(String(r.params.gid))) out.push(refKey('Group', String(r.params.gid)));
    if (asBool(r.params.managehome, false) && r.params.home) out.push(refKey('File', String(r.params.home)));
    return out;
  },
};

export const groupType: TypeDefinition = {
  name: 'group',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'gid', insync: (is, should) => String(is) === String(should) },
    {
      name: 'members',
      insync: (is, should, r) => {
        const have = new Set(String(is ?? '').split(',').filter(Boolean));
        const want = String(should ?? '').split(',').filter(Boolean);
        if (asBool(r.params.auth_membership, true)) return have.size === want.length && want.every((m) => have.has(m));
        return want.every((m) => have.has(m));
      },
    },
  ],
  parameters: ['name', 'system', 'allowdupe', 'auth_membership', 'forcelocal'],
  validate(r: Resource) {
    if (!/^[a-z_][a-z0-9_.-]*\$?$/i.test(r.name)) throw raise('KSP-PROVIDERS-009', { kind: 'group', name: r.name });
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = {};
    const ensure = asString(r.params.ensure) ?? (r.params.gid !== undefined || r.params.members !== undefined ? 'present' : undefined);
    if (ensure) d.ensure = ensure;
    if (ensure === 'absent') return d;
    if (r.params.gid !== undefined) d.gid = String(r.params.gid);
    if (r.params.members !== undefined) d.members = asList(r.params.members).map(String).sort().join(',');
    return d;
  },
};
