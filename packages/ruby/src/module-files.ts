// Finding module code on disk, without Ruby: what `require` from module code loads (the modules'
// lib folders first, as Puppet's $LOAD_PATH), and whether a type has providers. Shared by the VM
// (which answers Ruby's `require`) and the type-metadata cache (which checks that a cached type's
// requires still find the same files), so both resolve a name the same way.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** The module file `require name` loads from these lib folders (its real path and text), or undefined to fall back to Ruby's. */
export function findModuleRequire(name: string, libDirs: readonly string[]): { path: string; source: string } | undefined {
  const candidates: string[] = [];
  const add = (p: string) => candidates.push(p.endsWith('.rb') ? p : `${p}.rb`, p);
  if (isAbsolute(name)) add(name);
  else if (!name.startsWith('.')) for (const dir of libDirs) add(join(dir, name));
  for (const p of candidates) {
    try {
      // (No exception for a missing file: a cached type's requires are checked against every
      // module's lib folder, ~290 misses in a compile of the apache site, ~6 µs each thrown.)
      if (!p.endsWith('.rb') || !statSync(p, { throwIfNoEntry: false })?.isFile()) continue;
    } catch {
      continue;
    }
    const real = realpathSync(p);
    return { path: real, source: readFileSync(real, 'utf8') };
  }
  return undefined;
}

/** Whether a type has providers (Puppet then adds its `provider` parameter): a .rb file in a lib/puppet/provider/NAME folder. */
export function hasProviders(path: string, name: string, libDirs: readonly string[]): boolean {
  const dirs = [join(dirname(dirname(path)), 'provider', name), ...libDirs.map((d) => join(d, 'puppet/provider', name))];
  return dirs.some((d) => {
    try {
      return existsSync(d) && readdirSync(d).some((f) => f.endsWith('.rb'));
    } catch {
      return false;
    }
  });
}
