// Puppet's file metadata for what a mount serves: type, owner, group, mode, checksum, link
// destination — the JSON `puppet agent` reads from `file_metadata(s)`.
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';

export const CHECKSUM_TYPES = ['md5', 'md5lite', 'sha256', 'sha256lite', 'sha1', 'sha1lite', 'sha224', 'sha384', 'sha512', 'mtime', 'ctime', 'none'] as const;
export type ChecksumType = (typeof CHECKSUM_TYPES)[number];

export interface MetadataOptions {
  links: 'manage' | 'follow';
  checksumType: ChecksumType;
  /** `ignore` (the default): owner and group are the server process's, mode 0644, as Puppet answers. */
  sourcePermissions: 'ignore' | 'use' | 'use_when_creating';
}

export interface FileMetadata {
  path: string;
  relative_path: string | null;
  links: string;
  owner: number;
  group: number;
  mode: number;
  checksum: { type: string; value: string | null };
  type: 'file' | 'directory' | 'link' | 'fifo' | 'socket';
  destination: string | null;
}

/** Ruby's Time#to_s, which Puppet's time checksums carry: `2026-12-01 01:02:03 +0000`. */
function rubyTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function checksum(type: ChecksumType, path: string, st: Stats): string {
  switch (type) {
    case 'mtime': return `{mtime}${rubyTime(st.mtime)}`;
    case 'ctime': return `{ctime}${rubyTime(st.ctime)}`;
    case 'none': return '{none}';
    default: {
      const lite = type.endsWith('lite');
      const algorithm = lite ? type.slice(0, -4) : type;
      const data = readFileSync(path);
      return `{${type}}${createHash(algorithm).update(lite ? data.subarray(0, 512) : data).digest('hex')}`;
    }
  }
}

/** The metadata of `path` (found under `root`), `relative` its path below the request's base or null. */
export function fileMetadata(root: string, path: string, relative: string | null, options: MetadataOptions): FileMetadata {
  const st = options.links === 'manage' ? lstatSync(path) : statSync(path);
  const ignore = options.sourcePermissions === 'ignore';
  const base = {
    path: root, relative_path: relative, links: options.links,
    owner: ignore ? process.geteuid?.() ?? 0 : st.uid,
    group: ignore ? process.getegid?.() ?? 0 : st.gid,
    mode: ignore ? 0o644 : st.mode & 0o7777,
    destination: null as string | null,
  };
  if (st.isSymbolicLink()) {
    let value: string | null = null;
    try {
      value = checksum(options.checksumType, path, statSync(path));
    } catch { /* a dangling link has no checksum */ }
    return { ...base, type: 'link', destination: readlinkSync(path), checksum: { type: options.checksumType, value } };
  }
  if (st.isDirectory()) return { ...base, type: 'directory', checksum: { type: 'ctime', value: checksum('ctime', path, st) } };
  if (st.isFIFO() || st.isSocket()) return { ...base, type: st.isFIFO() ? 'fifo' : 'socket', checksum: { type: 'none', value: '{none}' } };
  return { ...base, type: 'file', checksum: { type: options.checksumType, value: checksum(options.checksumType, path, st) } };
}
