// file_line (puppetlabs-stdlib): one line in a text file — appended, put after a line that
// matches `after`, or replacing the line(s) that `match`; removed with `ensure => absent`
// (by its exact text, or every line that matches with `match_for_absence`). The line itself
// never "changes": as in stdlib, a resource is either present in the file or not.
import { refKey } from '@kasper/catalog';
import { asBool, asString, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

const BOOLEANS = ['match_for_absence', 'multiple', 'replace', 'replace_all_matches_not_matching_line', 'append_on_no_match'];

export const fileLineType: TypeDefinition = {
  name: 'file_line',
  namevar: 'name',
  properties: [{ name: 'ensure' }],
  parameters: ['name', 'path', 'line', 'match', 'after', 'encoding', 'provider', ...BOOLEANS],
  validate(r: Resource) {
    const p = r.params;
    const e = asString(p.ensure) ?? 'present';
    if (e !== 'present' && e !== 'absent') throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent' });
    for (const b of BOOLEANS) {
      const v = p[b];
      if (v !== undefined && ![true, false, 'true', 'false'].includes(v as never)) throw raise('KSP-PROVIDERS-001', { parameter: b, ref: r.ref, value: String(v), values: 'true, false' });
    }
    const path = asString(p.path);
    if (path === undefined) throw raise('KSP-PROVIDERS-102', { ref: r.ref, parameter: 'path' });
    if (!path.startsWith('/')) throw raise('KSP-PROVIDERS-002', { ref: r.ref, path });
    const all = asBool(p.replace_all_matches_not_matching_line, false);
    if (all && p.multiple !== undefined && !asBool(p.multiple, false)) throw raise('KSP-PROVIDERS-103', { ref: r.ref, other: 'multiple' });
    if (all && !asBool(p.replace, true)) throw raise('KSP-PROVIDERS-103', { ref: r.ref, other: 'replace' });
    if (p.line === undefined && !(e === 'absent' && asBool(p.match_for_absence, false) && p.match !== undefined)) {
      throw raise('KSP-PROVIDERS-102', { ref: r.ref, parameter: 'line' });
    }
  },
  desired: (r) => ({ ensure: asString(r.params.ensure) ?? 'present' }),
  autorequire: (r) => (asString(r.params.path) ? [refKey('File', asString(r.params.path)!)] : []),
};
