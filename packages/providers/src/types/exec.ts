// exec: runs a command when its checks say so (creates, onlyif, unless), or on refresh.
import { asBool, asList, asString, type Resource, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

export const execType: TypeDefinition = {
  name: 'exec',
  namevar: 'command',
  // `returns` is in sync when the command need not run; syncing it runs the command.
  properties: [{ name: 'returns', insync: (is) => is !== 'notrun', format: (v) => String(v) }],
  parameters: ['command', 'creates', 'onlyif', 'unless', 'refreshonly', 'path', 'cwd', 'environment', 'user', 'group',
    'timeout', 'logoutput', 'tries', 'try_sleep', 'umask', 'provider'],
  refreshable: true,
  validate(r: Resource) {
    const command = r.name;
    const path = asList(r.params.path);
    if (!command.startsWith('/') && path.length === 0 && asString(r.params.provider) !== 'shell') {
      throw raise('KSP-PROVIDERS-006', { ref: r.ref, command });
    }
    const t = r.params.timeout;
    // As in Puppet: a number, and a negative one means none (0).
    if (t !== undefined && (typeof t === 'boolean' || String(t).trim() === '' || Number.isNaN(Number(t)))) throw raise('KSP-PROVIDERS-007', { ref: r.ref, value: t });
    const creates = asList(r.params.creates).map(String);
    for (const c of creates) if (!c.startsWith('/')) throw raise('KSP-PROVIDERS-008', { ref: r.ref, path: c });
  },
  desired(r: Resource) {
    // A refreshonly exec only runs on refresh: in a normal run it is always in sync.
    if (asBool(r.params.refreshonly, false)) return {};
    return { returns: asList(r.params.returns ?? 0).map(String).join(', ') };
  },
  autorequire(r: Resource) {
    const out: string[] = [];
    if (asString(r.params.cwd)) out.push(refKey('File', asString(r.params.cwd)!));
    if (r.name.startsWith('/')) out.push(refKey('File', r.name.split(/\s+/)[0]));
    if (asString(r.params.user)) out.push(refKey('User', asString(r.params.user)!));
    return out;
  },
};
