// package: software packages, ensure present/installed/latest/absent/purged or a version.
import { asString, type Resource, type TypeDefinition } from '../api.ts';
import { raise } from '../messages.ts';

/** Whether an installed version satisfies `ensure`; `latest` is judged by the provider. */
export function packageInSync(is: unknown, should: unknown): boolean {
  const have = String(is ?? 'absent');
  const want = String(should);
  switch (want) {
    case 'present': case 'installed': return have !== 'absent' && have !== 'purged';
    case 'absent': return have === 'absent' || have === 'purged';
    case 'purged': return have === 'purged';
    default: return have === want; // a version, or `latest` resolved by the provider to one
  }
}

export const packageType: TypeDefinition = {
  name: 'package',
  namevar: 'name',
  properties: [{ name: 'ensure', insync: packageInSync }],
  parameters: ['name', 'source', 'install_options', 'uninstall_options', 'responsefile', 'configfiles', 'provider', 'allow_virtual', 'adminfile', 'reinstall_on_refresh', 'mark', 'package_settings'],
  validate(r: Resource) {
    const e = asString(r.params.ensure);
    if (e !== undefined && e.trim() === '') {
      throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, installed, absent, purged, latest, or a version' });
    }
  },
  desired: (r) => ({ ensure: asString(r.params.ensure) ?? 'present' }),
};
