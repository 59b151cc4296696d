// mailalias: an alias in /etc/aliases (or `target`): its recipients, or a file to :include:.
import { asList, asString, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';
import { listShown, sameList } from '../parsedfile.ts';

export const mailaliasType: TypeDefinition = {
  name: 'mailalias',
  namevar: 'name',
  properties: [
    { name: 'ensure' },
    { name: 'recipient', insync: sameList, show: listShown },
    { name: 'file' },
  ],
  parameters: ['name', 'target'],
  validate(r) {
    const e = asString(r.params.ensure);
    if (e !== undefined && !['present', 'absent'].includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent' });
    const file = asString(r.params.file);
    if (file !== undefined && !file.startsWith('/')) throw raise('KSP-PROVIDERS-002', { ref: r.ref, path: file });
  },
  desired(r) {
    const d: Record<string, unknown> = { ensure: asString(r.params.ensure) ?? 'present' };
    if (d.ensure === 'absent') return d;
    if (r.params.recipient !== undefined) d.recipient = asList(r.params.recipient).map(String);
    if (r.params.file !== undefined) d.file = String(r.params.file);
    return d;
  },
};
