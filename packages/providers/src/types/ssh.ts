// ssh_authorized_key (a key allowed to log in as a user) and sshkey (a host's key in a
// known_hosts file), as Puppet's sshkeys_core types.
import { asList, asString, type Resource, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';
import { listShown, sameList } from '../parsedfile.ts';

export const KEY_TYPES = ['ssh-dss', 'ssh-rsa', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-ed25519',
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ssh-ed25519@openssh.com', 'ssh-rsa-cert-v01@openssh.com', 'ssh-ed25519-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384-cert-v01@openssh.com', 'ecdsa-sha2-nistp521-cert-v01@openssh.com'];
const TYPE_ALIASES: Record<string, string> = { dsa: 'ssh-dss', ed25519: 'ssh-ed25519', rsa: 'ssh-rsa', 'ecdsa-sk': 'sk-ecdsa-sha2-nistp256@openssh.com', 'ed25519-sk': 'sk-ssh-ed25519@openssh.com' };

/** A key type's canonical name (`rsa` is `ssh-rsa`); KSP-PROVIDERS-001 for an unknown one. */
export function keyType(r: Resource, v: unknown): string {
  const t = String(v);
  const out = TYPE_ALIASES[t] ?? t;
  if (!KEY_TYPES.includes(out)) throw raise('KSP-PROVIDERS-001', { parameter: 'type', ref: r.ref, value: t, values: [...KEY_TYPES, ...Object.keys(TYPE_ALIASES)].join(', ') });
  return out;
}

function checkEnsure(r: Resource): void {
  const e = asString(r.params.ensure);
  if (e !== undefined && !['present', 'absent'].includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent' });
}

export const sshAuthorizedKeyType: TypeDefinition = {
  name: 'ssh_authorized_key',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'type' },
    { name: 'key' },
    // Not given means none: options a person added to a managed key are removed, as Puppet does.
    { name: 'options', insync: sameList, show: listShown },
  ],
  parameters: ['name', 'user', 'target', 'drop_privileges'],
  validate(r) {
    checkEnsure(r);
    if (r.params.user === undefined && r.params.target === undefined) throw raise('KSP-PROVIDERS-044', { ref: r.ref });
    if (r.params.type !== undefined) keyType(r, r.params.type);
    const key = asString(r.params.key);
    if (key !== undefined && /\s/.test(key)) throw raise('KSP-PROVIDERS-045', { ref: r.ref, value: key });
    for (const o of asList(r.params.options).map(String)) {
      if (o !== 'absent' && !/^[-a-z0-9A-Z_]+(?:=".*?")?$/.test(o)) throw raise('KSP-PROVIDERS-046', { ref: r.ref, value: o });
    }
  },
  desired(r) {
    const d: Record<string, unknown> = { ensure: asString(r.params.ensure) ?? 'present' };
    if (d.ensure === 'absent') return d;
    if (r.params.type !== undefined) d.type = keyType(r, r.params.type);
    if (r.params.key !== undefined) d.key = String(r.params.key);
    const options = asList(r.params.options).map(String).filter((o) => o !== 'absent');
    d.options = options;
    return d;
  },
  autorequire(r) {
    return r.params.user !== undefined ? [refKey('User', String(r.params.user))] : [];
  },
};

export const sshkeyType: TypeDefinition = {
  name: 'sshkey',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'key' },
    { name: 'host_aliases', insync: sameList, show: listShown },
  ],
  parameters: ['name', 'type', 'target'],
  validate(r) {
    checkEnsure(r);
    // The title may be NAME@TYPE (Puppet's title pattern).
    const m = /^(.*?)@(.*)$/.exec(r.name);
    if (m && r.params.name === undefined) {
      r.name = m[1];
      r.params.type ??= m[2];
    }
    if (r.params.type === undefined) throw raise('KSP-PROVIDERS-047', { ref: r.ref });
    r.params.type = keyType(r, r.params.type);
    if (/\s/.test(r.name) || r.name.includes(',')) throw raise('KSP-PROVIDERS-048', { ref: r.ref, name: r.name });
    for (const a of asList(r.params.host_aliases).map(String)) if (/[\s,]/.test(a)) throw raise('KSP-PROVIDERS-037', { ref: r.ref, value: a });
  },
  desired(r) {
    const d: Record<string, unknown> = { ensure: asString(r.params.ensure) ?? 'present' };
    if (d.ensure === 'absent') return d;
    // Not properties: what a new line is written with.
    d.hostname = r.name;
    d.type = r.params.type;
    if (r.params.key !== undefined) d.key = String(r.params.key);
    if (r.params.host_aliases !== undefined) d.host_aliases = asList(r.params.host_aliases).map(String);
    return d;
  },
};
