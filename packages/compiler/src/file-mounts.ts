// What `puppet:///…` serves in an environment, as Puppet's file server mounts it:
//   modules/M/PATH  → M/files/PATH in the first module folder of the modulepath that has M
//   plugins/PATH    → PATH under some module's lib/ (the first module that has it), so agents
//                     get every module's custom facts, functions and types (pluginsync)
//   pluginfacts/PATH → the same over every module's facts.d/
// Names come from URLs and catalogs: every path is reached through safeJoin. Links inside a
// modulepath and a module's files/ are followed, as Puppet's file server does.
import { readdirSync, statSync, type Stats } from 'node:fs';
import { MODULE_NAME, modulesOnPath, safeJoin, UnsafePathError } from '@kasper/files';

export const MOUNTS = ['modules', 'plugins', 'pluginfacts'] as const;
export type MountName = (typeof MOUNTS)[number];

const MOUNT_DIR: Record<Exclude<MountName, 'modules'>, string> = { plugins: 'lib', pluginfacts: 'facts.d' };

export { parsePuppetUrl } from '@kasper/catalog';

/** A file or folder a mount serves, and the folder it was found under. */
export interface MountEntry {
  /** For a listing, the base folder the entry's relative path is relative to; else the mount's folder in the module. */
  root: string;
  /** The full path on disk. */
  path: string;
  stat: Stats;
}

function stat(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

/** The roots a mount path may be under, in modulepath order, with the path below each. */
function roots(modulepath: string[], mount: string, path: string): { root: string; rest: string }[] {
  const clean = path.replace(/^\/+|\/+$/g, '');
  if (mount === 'modules') {
    const [module, ...rest] = clean.split('/');
    if (!module || !MODULE_NAME.test(module)) return [];
    return modulepath.map((base) => ({ root: safeJoin(base, [module, 'files'], { links: 'follow' }), rest: rest.join('/') }));
  }
  const dir = MOUNT_DIR[mount as keyof typeof MOUNT_DIR];
  if (!dir) return [];
  return modulesOnPath(modulepath).map((m) => ({ root: safeJoin(m.base, [m.name, dir], { links: 'follow' }), rest: clean }));
}

/**
 * Every place `mount/path` exists, in modulepath order: the folder it was found under and the
 * file or folder itself. Throws UnsafePathError for a path that leaves its folder.
 */
function* found(modulepath: string[], mount: string, path: string): Generator<MountEntry> {
  for (const { root, rest } of roots(modulepath, mount, path)) {
    const full = rest ? safeJoin(root, rest, { links: 'follow' }) : root;
    const st = stat(full);
    if (st) yield { root, path: full, stat: st };
  }
}

/**
 * The file or folder `mount/path` names, or undefined. For `plugins` and `pluginfacts` with an
 * empty path the answer is the merged root: the first module's folder stands for all.
 */
export function resolveMountPath(modulepath: string[], mount: string, path: string): MountEntry | undefined {
  try {
    for (const entry of found(modulepath, mount, path)) return entry;
  } catch (e) {
    if (!(e instanceof UnsafePathError)) throw e;
  }
  return undefined;
}

export interface ListOptions {
  /** Descend into folders (Puppet's `recurse`); `recurselimit` levels at most when given. */
  recurse: boolean;
  recurselimit?: number;
  /** Glob patterns (`*`, `?`) matched against each name; matches are left out with their contents. */
  ignore?: string[];
  /** At most this many entries (Puppet's `max_files`); 0 for no limit. */
  maxFiles?: number;
}

/** One listed entry: its path relative to the request's base (`.` for the base itself). */
export interface ListedEntry {
  relative: string;
  entry: MountEntry;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * `mount/path` and, when recursing, everything below it, as Puppet's `file_metadatas` lists it:
 * the base first as `.`, then children by relative path. For `plugins` and `pluginfacts` the
 * folders of every module are merged, the first module in modulepath order winning a name.
 */
export function listMount(modulepath: string[], mount: string, path: string, options: ListOptions): ListedEntry[] {
  const ignore = (options.ignore ?? []).map(globToRegExp);
  const ignored = (name: string) => ignore.some((re) => re.test(name));
  const bases: MountEntry[] = [];
  try {
    for (const entry of found(modulepath, mount, path)) {
      bases.push(entry);
      // A file, or a module's own path: the first match is the answer. Merged roots list all.
      if (mount === 'modules' || entry.path !== entry.root || !entry.stat.isDirectory()) break;
    }
  } catch (e) {
    if (e instanceof UnsafePathError) return [];
    throw e;
  }
  if (bases.length === 0) return [];
  const out: ListedEntry[] = [{ relative: '.', entry: { ...bases[0], root: bases[0].path } }];
  if (!options.recurse) return out;
  const seen = new Set<string>(['.']);
  const max = options.maxFiles && options.maxFiles > 0 ? options.maxFiles : Infinity;
  const walk = (dir: string, root: string, prefix: string, depth: number) => {
    if (options.recurselimit !== undefined && depth >= options.recurselimit) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (out.length >= max) return;
      if (ignored(name)) continue;
      const relative = prefix ? `${prefix}/${name}` : name;
      const full = `${dir}/${name}`;
      const st = stat(full);
      if (!st) continue;
      if (!seen.has(relative)) {
        seen.add(relative);
        out.push({ relative, entry: { root, path: full, stat: st } });
      }
      if (st.isDirectory()) walk(full, root, relative, depth + 1);
    }
  };
  for (const base of bases) if (base.stat.isDirectory()) walk(base.path, base.path, '', 0);
  return out;
}
