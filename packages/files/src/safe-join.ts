// The one way a name that came from outside (a URL, a CSR, a catalog) becomes a path: joined
// under a base folder and refused when it would resolve anywhere else — lexically (`..`,
// absolute names) and on disk (a symbolic link out of the base), unless the caller asks to
// follow links found inside the base.
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import { raise } from './messages.ts';

export { UnsafePathError } from './messages.ts';

export interface SafeJoinOptions {
  /**
   * `refuse` (the default): the real path, symbolic links resolved, must stay inside the base.
   * `follow`: links inside the base are followed wherever they point, as Puppet's file server
   * does for a module's files/ (placing such a link takes write access to the module).
   */
  links?: 'refuse' | 'follow';
}

const inside = (base: string, p: string) => p.startsWith(base.endsWith(sep) ? base : base + sep);

/** The real path of `p` (the kernel's: realpathSync.native), or of its nearest existing ancestor joined with the rest. */
function realish(p: string): string {
  let head = p;
  let tail = '';
  for (;;) {
    try {
      return resolve(realpathSync.native(head), tail);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
      const up = dirname(head);
      if (up === head) return p;
      tail = tail ? `${head.slice(up.length + 1)}${sep}${tail}` : head.slice(up.length + 1);
      head = up;
    }
  }
}

/**
 * `base/name…`, or an UnsafePathError. Each name is one or more `/`-separated segments,
 * already decoded; NUL, absolute names, and names that leave the base are refused.
 */
export function safeJoin(base: string, names: string | string[], options: SafeJoinOptions = {}): string {
  const parts = Array.isArray(names) ? names : [names];
  for (const n of parts) {
    if (n.length === 0 || n.includes('\0') || isAbsolute(n) || n.length > 4096) {
      throw raise('KSP-FILES-001', { name: printable(n), reason: 'not a relative name' });
    }
  }
  const root = resolve(base);
  const path = resolve(root, ...parts);
  if (!inside(root, path)) throw raise('KSP-FILES-001', { name: printable(parts.join('/')), reason: 'it leaves its folder' });
  if ((options.links ?? 'refuse') === 'refuse' && !inside(realish(root), realish(path))) {
    throw raise('KSP-FILES-001', { name: printable(parts.join('/')), reason: 'a link leads out of its folder' });
  }
  return path;
}

/** A name as it may be shown in a message: control characters escaped, length bounded. */
export function printable(s: string, max = 200): string {
  const t = s.length > max ? `${s.slice(0, max)}…` : s;
  return t.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
