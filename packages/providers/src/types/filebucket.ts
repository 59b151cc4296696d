// filebucket: a named place files are backed up to (`file { …: backup => 'main' }`). Kasper
// keeps every backup in its local bucket (<vardir>/bucket, `kasper filebucket …`) whatever the
// filebucket says; the resource is accepted and checked, and changes nothing itself (as in
// Puppet, where it has no properties either).
import { asString, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

export const filebucketType: TypeDefinition = {
  name: 'filebucket',
  namevar: 'name',
  properties: [],
  parameters: ['name', 'path', 'server', 'port'],
  validate(r) {
    const path = r.params.path;
    if (path !== undefined && path !== false && path !== 'false' && !String(path).startsWith('/')) throw raise('KSP-PROVIDERS-002', { ref: r.ref, path: String(path) });
    const port = asString(r.params.port);
    if (port !== undefined && !/^\d+$/.test(port)) throw raise('KSP-PROVIDERS-001', { parameter: 'port', ref: r.ref, value: port, values: 'a port number' });
  },
  desired: () => ({}),
};

export const filebucketProvider = {
  name: 'filebucket',
  type: 'filebucket',
  suitable: () => true,
  async retrieve() { return {}; },
  async sync() { /* nothing */ },
};
