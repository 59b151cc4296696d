// The modules on a modulepath, as Puppet sees them: in each modulepath folder, the entries named
// as a module may be (a lower-case letter, then lower-case letters, digits and underscores) that
// are folders (links followed), in name order; the first folder of a name wins, later ones of
// the same name are hidden. A file named like a module hides nothing.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

export const MODULE_NAME = /^[a-z][a-z0-9_]*$/;

export interface ModuleOnPath {
  name: string;
  /** The module's folder. */
  dir: string;
  /** The modulepath folder it is in. */
  base: string;
}

export function modulesOnPath(modulepath: readonly string[]): ModuleOnPath[] {
  const seen = new Set<string>();
  const out: ModuleOnPath[] = [];
  for (const base of modulepath) {
    let entries: Dirent[];
    try {
      entries = readdirSync(base, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      continue; // a modulepath folder that does not exist (or cannot be read) holds no modules
    }
    for (const e of entries) {
      const name = e.name;
      if (seen.has(name) || !MODULE_NAME.test(name)) continue;
      const dir = join(base, name);
      // A folder as the listing tells it (no stat for each of Debian's 93 modules); a link, or an
      // entry whose type the file system does not give, by a stat (links followed).
      if (!e.isDirectory() && (e.isFile() || !statSync(dir, { throwIfNoEntry: false })?.isDirectory())) continue;
      seen.add(name);
      out.push({ name, dir, base });
    }
  }
  return out;
}
