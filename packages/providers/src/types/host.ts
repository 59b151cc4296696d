// host: a line of /etc/hosts (or of the file `target` names), as Puppet's host type.
import { asList, asString, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';
import { isIP } from 'node:net';

export const hostType: TypeDefinition = {
  name: 'host',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'ip' },
    // An ordered list: the current value prints unquoted, as Puppet's list properties print it.
    { name: 'host_aliases', insync: (is, should) => String(is ?? '') === String(should), show: (v, side) => (side === 'is' ? String(v) : `'${String(v)}'`) },
    { name: 'comment' },
  ],
  parameters: ['name', 'target'],
  validate(r: Resource) {
    const ensure = asString(r.params.ensure);
    if (ensure !== undefined && !['present', 'absent'].includes(ensure)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: ensure, values: 'present, absent' });
    for (const part of r.name.split('.')) if (!/^(\w+|\w[\w-]+\w)$/.test(part)) throw raise('KSP-PROVIDERS-035', { ref: r.ref, name: r.name });
    const ip = asString(r.params.ip);
    if (ip !== undefined && (!isIP(ip.replace(/%.+$/, '')) || /[\r\n]/.test(ip))) throw raise('KSP-PROVIDERS-036', { ref: r.ref, value: ip });
    for (const a of asList(r.params.host_aliases).map(String)) if (/\s/.test(a) || a === '') throw raise('KSP-PROVIDERS-037', { ref: r.ref, value: a });
    if (/[\r\n]/.test(asString(r.params.comment) ?? '')) throw raise('KSP-PROVIDERS-038', { ref: r.ref, parameter: 'comment' });
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = { ensure: asString(r.params.ensure) ?? 'present' };
    if (d.ensure === 'absent') return d;
    if (r.params.ip !== undefined) d.ip = String(r.params.ip);
    if (r.params.host_aliases !== undefined) d.host_aliases = asList(r.params.host_aliases).map(String).join(' ');
    if (r.params.comment !== undefined) d.comment = String(r.params.comment);
    return d;
  },
};
