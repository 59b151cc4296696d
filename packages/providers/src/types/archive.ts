// archive (puppet-archive): a file downloaded from a URL (http, https, ftp through curl, file://,
// puppet:///, a local path), checked against a checksum, optionally extracted into a folder
// (until `creates` exists) and then removed (`cleanup`). Messages are the module's: "download
// archive from … to …", "replace archive: … from (sha256)… to (sha256)…".
import { asString, type PropertyDef, type Resource, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

export const CHECKSUM_TYPES = ['none', 'md5', 'sha1', 'sha2', 'sha256', 'sha384', 'sha512'];

/** The checksum type and expected value, from either spelling the module accepts. */
export function checksumOf(r: Resource): { type: string; value?: string } {
  const type = asString(r.params.checksum_type ?? r.params.digest_type) ?? 'none';
  const v = asString(r.params.checksum ?? r.params.digest_string);
  return { type, value: v === undefined || ['true', 'false', 'undef', ''].includes(v) ? undefined : v.toLowerCase() };
}

const ensureDef: PropertyDef = {
  name: 'ensure',
  show: (v, side, r) => {
    const have = r.desired?.['archive:checksum'] as string | undefined;
    if (have) return side === 'is' ? `(${checksumOf(r).type})${have}` : `(${checksumOf(r).type})${checksumOf(r).value ?? ''}`;
    return `'${v === undefined ? 'absent' : String(v)}'`;
  },
  message(is, should, r) {
    const have = r.desired?.['archive:checksum'] as string | undefined;
    const c = checksumOf(r);
    if (should === 'absent') return `remove archive: ${r.name} `;
    if (is !== 'absent' && is !== undefined) return undefined;
    if (have) return `replace archive: ${r.name} from (${c.type})${have} to (${c.type})${c.value ?? ''}`;
    const extract = asString(r.params.extract) === 'true' || r.params.extract === true ? `and extracted in ${asString(r.params.extract_path) ?? ''}` : '';
    const cleanup = String(r.params.cleanup ?? 'true') === 'true' ? 'with cleanup' : 'without cleanup';
    return `download archive from ${asString(r.params.source ?? r.params.url) ?? ''} to ${r.name} ${extract} ${cleanup}`;
  },
};

export const archiveType: TypeDefinition = {
  name: 'archive',
  namevar: 'path',
  properties: [ensureDef, {
    name: 'creates',
    show: (v, side, r) => (side === 'should' ? `extracting in ${asString(r.params.extract_path) ?? ''} to create ${String(v)}` : `'${String(v)}'`),
  }],
  parameters: ['path', 'filename', 'extract', 'extract_path', 'target', 'extract_command', 'temp_dir', 'extract_flags', 'cleanup', 'source', 'url',
    'cookie', 'checksum', 'digest_string', 'checksum_url', 'digest_url', 'checksum_type', 'digest_type', 'checksum_verify', 'username', 'password',
    'user', 'group', 'proxy_type', 'proxy_server', 'allow_insecure', 'download_options', 'provider'],
  validate(r) {
    const p = r.params;
    if (!r.name.startsWith('/')) throw raise('KSP-PROVIDERS-112', { what: 'path', value: r.name });
    for (const k of ['extract_path', 'target'] as const) {
      const v = asString(p[k]);
      if (v !== undefined && !v.startsWith('/')) throw raise('KSP-PROVIDERS-112', { what: 'extract_path', value: v });
    }
    const e = asString(p.ensure) ?? 'present';
    if (!['present', 'absent'].includes(e)) throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: e, values: 'present, absent' });
    const t = checksumOf(r).type;
    if (!CHECKSUM_TYPES.includes(t)) throw raise('KSP-PROVIDERS-001', { parameter: 'checksum_type', ref: r.ref, value: t, values: CHECKSUM_TYPES.join(', ') });
    const src = asString(p.source ?? p.url);
    if (src !== undefined && !/^(https?|ftp|file|puppet|s3|gs):\/\/|^\//.test(src)) throw raise('KSP-PROVIDERS-113', { source: src });
    if (p.target !== undefined && p.extract_path === undefined) p.extract_path = p.target;
  },
  desired(r) {
    const ensure = asString(r.params.ensure) ?? 'present';
    const d: Record<string, unknown> = { ensure };
    if (ensure === 'present' && r.params.creates !== undefined) d.creates = String(r.params.creates);
    return d;
  },
  autorequire(r) {
    const out: string[] = [];
    const ep = asString(r.params.extract_path);
    if (ep) out.push(refKey('File', ep));
    const parent = r.name.replace(/\/[^/]*$/, '');
    if (parent) out.push(refKey('File', parent));
    return out;
  },
};
