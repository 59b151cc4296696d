// service: daemons running or stopped, started at boot or not, restarted on refresh.
import { asString, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

function normalizeEnsure(v: unknown): string | undefined {
  const s = asString(v);
  if (s === undefined) return undefined;
  if (s === 'true' || s === 'running') return 'running';
  if (s === 'false' || s === 'stopped') return 'stopped';
  return s;
}

const ENABLES = ['true', 'false', 'manual', 'mask'];

export const serviceType: TypeDefinition = {
  name: 'service',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'enable', insync: (is, should) => String(is) === String(should) },
  ],
  parameters: ['name', 'hasstatus', 'hasrestart', 'status', 'start', 'stop', 'restart', 'pattern', 'binary', 'path', 'flags', 'provider', 'control', 'manifest', 'timeout'],
  refreshable: true,
  validate(r: Resource) {
    const e = normalizeEnsure(r.params.ensure);
    if (e !== undefined && e !== 'running' && e !== 'stopped') throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'stopped, running' });
    const en = asString(r.params.enable);
    if (en !== undefined && !ENABLES.includes(en)) throw raise('KSP-PROVIDERS-001', { parameter: 'enable', ref: r.ref, value: en, values: ENABLES.join(', ') });
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = {};
    const e = normalizeEnsure(r.params.ensure);
    if (e) d.ensure = e;
    if (r.params.enable !== undefined) d.enable = String(r.params.enable);
    return d;
  },
};
