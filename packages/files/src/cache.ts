// Kasper's folder in the user's cache ($XDG_CACHE_HOME/kasper, or ~/.cache/kasper), where commands
// keep what they can make again (parsed manifests and YAML, Ruby's snapshot and compiled code):
// used only when it is private to the user, since what is read back from it is trusted as if made
// by the command itself; and each kind of entry kept to a bounded number of files.
import { lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The cache folder (`configured`, else $XDG_CACHE_HOME/kasper or ~/.cache/kasper), made if need
 * be; undefined when it cannot be made or is not private: not a folder, owned by another user, or
 * writable by group or others.
 */
export function privateCacheDir(configured?: string): string | undefined {
  const base = configured ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kasper');
  try {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    const st = lstatSync(base);
    const uid = process.getuid?.();
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
    return base;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a folder of entries bounded: past `max` files, the oldest (by time written) are removed,
 * down to half of `max`. An entry still in use is made again when next needed; a folder that
 * cannot be read is left as it is (the next process tries again).
 */
export function pruneOldest(folder: string, max: number): void {
  try {
    const names = readdirSync(folder);
    if (names.length <= max) return;
    const entries = names.map((n) => {
      const path = join(folder, n);
      return { path, time: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 };
    });
    entries.sort((a, b) => a.time - b.time);
    for (const e of entries.slice(0, entries.length - Math.floor(max / 2))) rmSync(e.path, { force: true });
  } catch {
    // left as it is
  }
}
