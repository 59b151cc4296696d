// Where one of the compiler's disk caches (parsed manifests, parsed YAML) keeps its entries: a
// folder of the user's private cache folder (@kasper/files's privateCacheDir), or of the one
// configured; off when configured `false` or when its environment variable is 0. Found once.
import { join } from 'node:path';
import { privateCacheDir } from '@kasper/files';

export interface CacheFolder {
  /** Where entries go (default $XDG_CACHE_HOME/kasper); `false` turns the cache off. */
  configure(dir: string | false | undefined): void;
  /** The private cache folder (owned by this user, not writable by others), or null. */
  get(): string | null;
}

/** The folder `name` of the cache folder, turned off by `offVariable=0`; `usable` says whether the cache can work at all. */
export function cacheFolder(name: string, offVariable: string, usable: () => boolean = () => true): CacheFolder {
  let folder: string | null | undefined;
  let configured: string | undefined;
  return {
    configure(dir) {
      configured = dir === false ? '' : dir;
      folder = undefined;
    },
    get() {
      if (folder !== undefined) return folder;
      folder = null;
      if (configured === '' || process.env[offVariable] === '0') return folder;
      const base = privateCacheDir(configured);
      if (base !== undefined && usable()) folder = join(base, name);
      return folder;
    },
  };
}
