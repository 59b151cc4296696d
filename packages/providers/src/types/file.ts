// The file type: files, directories and symlinks with content, mode, owner and group.
import { createHash } from 'node:crypto';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { asBool, asList, asString, type ProviderContext, type Resource, type TypeDefinition } from '../api.ts';
import { refKey } from '@kasper/catalog';
import { raise } from '../messages.ts';

// The diff library is loaded on the first content change shown, not on every run: start-up.
const require = createRequire(import.meta.url);

/** A `source`: `puppet:///modules/m/f` through the context, a local path or `file://` URL. */
export async function readSource(source: string, ctx: ProviderContext): Promise<Buffer | undefined> {
  if (source.startsWith('puppet://')) return ctx.readSource ? ctx.readSource(source) : undefined;
  const path = source.startsWith('file://') ? source.slice('file://'.length) : source;
  return existsSync(path) && statSync(path).isFile() ? readFileSync(path) : undefined;
}

/** The `checksum` values the file type accepts (Puppet 7's); the `lite` sums read only the first 512 bytes. */
export const FILE_CHECKSUMS = ['md5', 'md5lite', 'sha256', 'sha256lite', 'sha224', 'sha384', 'sha512', 'sha1', 'sha1lite', 'mtime', 'ctime', 'none'];

/** The digest file content is summed with when a file names none: Puppet 7's `digest_algorithm` (sha256). */
export const DEFAULT_DIGEST = 'sha256';

/** Content as messages and reports show it, `{sha256}…`, with a file's `checksum` (a digest; others fall back to the default). */
export function contentChecksum(content: Buffer | string, type: string = DEFAULT_DIGEST): string {
  const lite = type.endsWith('lite');
  const algo = lite ? type.slice(0, -'lite'.length) : type;
  if (!['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'].includes(algo)) return contentChecksum(content, DEFAULT_DIGEST);
  const b = Buffer.isBuffer(content) ? content : Buffer.from(content);
  return `{${type}}${createHash(algo).update(lite ? b.subarray(0, 512) : b).digest('hex')}`;
}

/** An md5 content sum, `{md5}…` (what Puppet 6 showed; `checksum => md5`). */
export function md5(content: Buffer | string): string {
  return contentChecksum(content, 'md5');
}

function isBinary(b: Buffer): boolean {
  return b.subarray(0, 8000).includes(0);
}

/** A unified diff of two contents, as `show_diff` prints it; none for binary content. */
export function contentDiff(path: string, is: unknown, should: unknown): string | undefined {
  const a = Buffer.isBuffer(is) ? is : Buffer.from(String(is ?? ''));
  const b = Buffer.isBuffer(should) ? should : Buffer.from(String(should ?? ''));
  if (isBinary(a) || isBinary(b)) return undefined;
  const { createTwoFilesPatch } = require('diff') as typeof import('diff');
  return createTwoFilesPatch(path, path, a.toString('utf8'), b.toString('utf8'), 'current', 'desired', { context: 3 });
}

const ENSURES = ['present', 'absent', 'file', 'directory', 'link'];

export const fileType: TypeDefinition = {
  name: 'file',
  namevar: 'path',
  properties: [
    {
      name: 'ensure',
      // `present` accepts any existing kind.
      insync: (is, should) => (should === 'present' ? is !== 'absent' : is === should),
    },
    { name: 'target' },
    {
      name: 'content',
      // replace => false: an existing file's content is left as it is, so it is in sync (as Puppet's).
      insync: (is, should, r) => Buffer.isBuffer(is) && (is.equals(toBuffer(should)) || !asBool(r.params.replace, true)),
      // The file's checksum, else the digest_algorithm setting, else Puppet 7's sha256.
      format: (v, r, digest) => (v === undefined || v === 'absent' ? 'absent' : contentChecksum(toBuffer(v), asString(r?.params.checksum) ?? digest ?? DEFAULT_DIGEST)),
      diff: (is, should, r) => (asBool(r.params.show_diff, true) ? contentDiff(r.name, is ?? '', should) : undefined),
    },
    { name: 'mode' },
    { name: 'owner' },
    { name: 'group' },
    // A recursive directory copied from a source folder: whether its tree matches the source.
    { name: 'tree' },
  ],
  parameters: ['path', 'source', 'backup', 'replace', 'recurse', 'purge', 'force', 'show_diff', 'checksum', 'links', 'source_permissions', 'validate_cmd', 'validate_replacement', 'selinux_ignore_defaults', 'ignore', 'recurselimit', 'sourceselect'],
  validate(r: Resource) {
    if (!r.name.startsWith('/')) throw raise('KSP-PROVIDERS-002', { ref: r.ref, path: r.name });
    const ensure = asString(r.params.ensure);
    if (ensure !== undefined && !ENSURES.includes(ensure) && !ensure.startsWith('/')) {
      throw raise('KSP-PROVIDERS-001', { parameter: 'ensure', ref: r.ref, value: ensure, values: ENSURES.join(', ') });
    }
    const checksum = asString(r.params.checksum);
    if (checksum !== undefined && !FILE_CHECKSUMS.includes(checksum)) {
      throw raise('KSP-PROVIDERS-001', { parameter: 'checksum', ref: r.ref, value: checksum, values: FILE_CHECKSUMS.join(', ') });
    }
    if (r.params.content !== undefined && ['mtime', 'ctime', 'none'].includes(checksum ?? '')) throw raise('KSP-PROVIDERS-129', { ref: r.ref, checksum });
    if (['content', 'source', 'target'].filter((p) => r.params[p] !== undefined).length > 1) throw raise('KSP-PROVIDERS-003');
    const mode = asString(r.params.mode);
    if (mode !== undefined && !/^[0-7]{3,4}$/.test(mode) && !/^([ugoa]*[-+=]([rwxXst]*|[ugo]))(,[ugoa]*[-+=]([rwxXst]*|[ugo]))*$/.test(mode)) {
      throw raise('KSP-PROVIDERS-004', { ref: r.ref, mode });
    }
  },
  desired(r: Resource) {
    const d: Record<string, unknown> = {};
    let ensure = asString(r.params.ensure);
    // `ensure => '/target'` is a link to that target.
    if (ensure?.startsWith('/')) {
      d.target = ensure;
      ensure = 'link';
    }
    if (ensure === undefined && (r.params.content !== undefined || r.params.source !== undefined)) ensure = 'file';
    if (ensure === undefined && r.params.target !== undefined) ensure = 'link';
    if (ensure !== undefined) d.ensure = ensure;
    if (ensure === 'absent') return d;
    if (r.params.target !== undefined && ensure === 'link') d.target = String(r.params.target);
    if (r.params.content !== undefined) d.content = r.params.content;
    if (r.params.source !== undefined && ensure !== 'directory') d.content = { source: asString(r.params.source) };
    if (ensure === 'directory' && r.params.source !== undefined && asBool(r.params.recurse, false)) d.tree = 'in sync';
    if (r.params.mode !== undefined && ensure !== 'link') d.mode = String(r.params.mode);
    if (r.params.owner !== undefined) d.owner = String(r.params.owner);
    if (r.params.group !== undefined) d.group = String(r.params.group);
    return d;
  },
  async prepare(r: Resource, desired: Record<string, unknown>, ctx: ProviderContext) {
    const c = desired.content as { source?: string } | undefined;
    if (!c || typeof c !== 'object' || Buffer.isBuffer(c) || c.source === undefined) return;
    const sources = asList(r.params.source).map(String);
    for (const source of sources) {
      const data = await readSource(source, ctx);
      if (data !== undefined) {
        desired.content = data;
        return;
      }
    }
    throw raise('KSP-PROVIDERS-005', { sources: sources.join(', ') });
  },
  autorequire(r: Resource) {
    const out: string[] = [];
    const parent = dirname(r.name);
    if (parent !== r.name) out.push(refKey('File', parent));
    if (r.params.owner !== undefined) out.push(refKey('User', String(r.params.owner)));
    if (r.params.group !== undefined) out.push(refKey('Group', String(r.params.group)));
    return out;
  },
};

function toBuffer(v: unknown): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(String(v ?? ''));
}
