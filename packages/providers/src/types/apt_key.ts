// apt_key (puppetlabs-apt): an OpenPGP key apt trusts, named by its id (8, 16 or 40 hex digits,
// the 40 being the fingerprint), from content, a source (URL or path) or a keyserver. Kasper keeps
// each key it adds in a keyring file of its own in apt's trusted.gpg.d (as apt wants keys now),
// not through the deprecated apt-key.
import { asString, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

/** The id without 0x, upper case. */
export const keyId = (id: string) => id.replace(/^0x/i, '').toUpperCase();

export const aptKeyType: TypeDefinition = {
  name: 'apt_key',
  namevar: 'id',
  properties: [{ name: 'ensure' }],
  parameters: ['id', 'content', 'source', 'server', 'options', 'refresh', 'weak_ssl', 'provider',
    // read-only in Puppet: accepted, never managed
    'fingerprint', 'long', 'short', 'expired', 'expiry', 'size', 'type', 'created'],
  validate(r) {
    const p = r.params;
    if (!/^(0x)?([0-9a-fA-F]{8}|[0-9a-fA-F]{16}|[0-9a-fA-F]{40})$/.test(r.name)) throw raise('KSP-PROVIDERS-001', { parameter: 'id', ref: r.ref, value: r.name, values: 'a key id of 8, 16 or 40 hex digits' });
    const e = asString(p.ensure) ?? 'present';
    if (p.ensure !== undefined && !['present', 'absent'].includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent' });
    if (e === 'absent' && String(p.refresh ?? 'false') === 'true') throw raise('KSP-PROVIDERS-127', { problem: 'ensure => absent and refresh => true are mutually exclusive' });
    if (p.content !== undefined && p.source !== undefined) throw raise('KSP-PROVIDERS-127', { problem: 'The properties content and source are mutually exclusive.' });
    const src = asString(p.source);
    if (src !== undefined && !/^(https?:\/\/|ftp:\/\/|\/\w+)/.test(src)) throw raise('KSP-PROVIDERS-001', { parameter: 'source', ref: r.ref, value: src, values: 'an http(s) or ftp URL, or an absolute path' });
  },
  // As the module's type: ensure has no default, so an apt_key without it manages nothing.
  desired: (r) => (r.params.ensure === undefined ? {} : { ensure: asString(r.params.ensure) }),
  autorequire(r) {
    const src = asString(r.params.source);
    return src?.startsWith('/') ? [refKey('File', src)] : [];
  },
};
