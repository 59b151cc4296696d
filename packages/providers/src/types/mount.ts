// mount: a file system in the fstab (or `target`) and whether it is mounted, as Puppet's mount
// type. ensure: defined (or present: in the fstab, mounted or not), unmounted, mounted, absent.
// A mount not in the fstab but mounted is `ghost`. A changed mount remounts itself.
import { asString, type Resource, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

const ENSURES = ['defined', 'present', 'unmounted', 'mounted', 'absent'];

/** A mount point without trailing slashes, as Puppet munges it. */
export const mountPoint = (name: string) => name.replace(/^(.+?)\/*$/, '$1');

export const mountType: TypeDefinition = {
  name: 'mount',
  namevar: 'name',
  selfRefresh: true,
  properties: [
    {
      name: 'ensure',
      plain: true,
      insync: (is, should) => is === should || (should === 'defined' && (is === 'mounted' || is === 'unmounted')),
    },
    { name: 'device' },
    { name: 'fstype' },
    { name: 'options' },
    // Their defaults are numbers, which Puppet prints unquoted: `defined 'dump' as 0`.
    { name: 'dump', show: (v) => (typeof v === 'number' ? String(v) : `'${String(v)}'`) },
    { name: 'pass', show: (v) => (typeof v === 'number' ? String(v) : `'${String(v)}'`) },
  ],
  parameters: ['name', 'target', 'remounts', 'atboot', 'blockdevice'],
  validate(r: Resource) {
    const e = asString(r.params.ensure);
    if (e !== undefined && !ENSURES.includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: ENSURES.join(', ') });
    for (const p of ['fstype', 'options']) {
      const v = asString(r.params[p]);
      if (v !== undefined && (/\s/.test(v) || v === '')) throw raise('KSP-PROVIDERS-049', { ref: r.ref, parameter: p, value: v });
    }
    const dump = asString(r.params.dump);
    if (dump !== undefined && !/^[01]$/.test(dump)) throw raise('KSP-PROVIDERS-001', { parameter: 'dump', ref: r.ref, value: dump, values: '0, 1' });
    r.name = mountPoint(r.name);
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = {};
    const e = asString(r.params.ensure);
    if (e) d.ensure = e === 'present' ? 'defined' : e;
    if (e === 'absent') return d;
    for (const p of ['device', 'fstype', 'options']) if (r.params[p] !== undefined) d[p] = String(r.params[p]);
    // dump and pass are 0 unless given, as Puppet's.
    d.dump = r.params.dump ?? 0;
    d.pass = r.params.pass ?? 0;
    return d;
  },
  autorequire(r: Resource) {
    // The mounts above this one.
    const out: string[] = [];
    const parts = mountPoint(r.name).split('/');
    for (let i = parts.length - 1; i > 0; i--) out.push(refKey('Mount', parts.slice(0, i).join('/') || '/'));
    return out;
  },
};
