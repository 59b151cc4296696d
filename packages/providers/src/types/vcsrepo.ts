// vcsrepo (puppetlabs-vcsrepo), git only: a repository at `path`, cloned from `source` (or
// initialised), kept at `revision` (a branch, tag or commit), or at the newest commit of its
// branch with `ensure => latest`; `bare` repositories; `absent` removes it.
import { asString, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

const ENSURES = ['present', 'bare', 'absent', 'latest'];

export const vcsrepoType: TypeDefinition = {
  name: 'vcsrepo',
  namevar: 'path',
  properties: [
    {
      name: 'ensure',
      // present is satisfied by any existing repository; latest and bare only by themselves.
      insync: (is, should) => (should === 'present' ? is !== 'absent' && is !== undefined : is === should),
    },
    { name: 'revision' },
  ],
  parameters: ['path', 'source', 'fstype', 'owner', 'group', 'user', 'excludes', 'force', 'compression', 'basic_auth_username', 'basic_auth_password',
    'identity', 'module', 'remote', 'configuration', 'cvs_rsh', 'depth', 'branch', 'p4config', 'submodules', 'conflict', 'provider'],
  validate(r) {
    if (!r.name.startsWith('/')) throw raise('KSP-PROVIDERS-121', { path: r.name });
    const e = asString(r.params.ensure) ?? 'present';
    if (!ENSURES.includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: ENSURES.join(', ') });
    const rev = asString(r.params.revision);
    if (rev !== undefined && !/^\S+$/.test(rev)) throw raise('KSP-PROVIDERS-001', { parameter: 'revision', ref: r.ref, value: rev, values: 'a branch, tag or commit (no spaces)' });
    if (rev !== undefined && e === 'bare') throw raise('KSP-PROVIDERS-122', { revision: rev });
    const p = asString(r.params.provider);
    if (p !== undefined && p !== 'git') throw raise('KSP-PROVIDERS-123', { provider: p });
  },
  desired(r) {
    const ensure = asString(r.params.ensure) ?? 'present';
    const d: Record<string, unknown> = { ensure };
    if (ensure !== 'absent' && ensure !== 'bare' && r.params.revision !== undefined) d.revision = String(r.params.revision);
    return d;
  },
  autorequire(r) {
    const out = [refKey('Package', 'git')];
    const parent = r.name.replace(/\/[^/]*$/, '');
    if (parent) out.push(refKey('File', parent));
    const user = asString(r.params.user);
    if (user) out.push(refKey('User', user));
    return out;
  },
};
