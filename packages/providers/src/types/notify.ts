// notify: logs a message on every run (it is never "in sync", as in Puppet).
import { asString, type Provider, type TypeDefinition } from '../api.ts';

export const notifyType: TypeDefinition = {
  name: 'notify',
  namevar: 'name',
  properties: [{ name: 'message', insync: () => false }],
  parameters: ['name', 'withpath'],
  desired: (r) => ({ message: asString(r.params.message) ?? r.title }),
};

export const notifyProvider: Provider = {
  name: 'notify',
  type: 'notify',
  suitable: () => true,
  async retrieve() {
    return { message: 'absent' };
  },
  async sync(r, changes, ctx) {
    // A Sensitive message is logged as Puppet logs a Sensitive value, not in clear.
    for (const c of changes) ctx.log.info(r.sensitive?.includes(c.property) ? 'Sensitive [value redacted]' : String(c.should));
  },
};
