// A commit's files written into a new folder, and the check that no link in it leads out.
import { lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { printable } from '@kasper/files';
import { git, gitAsync } from './git.ts';
import { raise } from './messages.ts';

/**
 * Writes the files of `commit` into `dest` (created; must not exist) with git's own checkout,
 * which refuses paths like `.git` or `../x` and never writes through a link. No `.git` folder
 * is left: the result is the tree, as `git archive` would give it. Submodules are left empty.
 */
export function exportCommit(gitDir: string, commit: string, dest: string, scratch: string, objects: Record<string, string> = {}): void {
  mkdirSync(dest, { recursive: false });
  const index = join(scratch, `index-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  try {
    // `objects`: a pre-receive hook's quarantine (GIT_OBJECT_DIRECTORY and its alternates), where
    // the pushed commit's objects wait until the push is accepted.
    const env = { ...objects, GIT_INDEX_FILE: index };
    git([`--git-dir=${gitDir}`, 'read-tree', commit], { env });
    git([`--git-dir=${gitDir}`, `--work-tree=${dest}`, '-c', 'core.symlinks=true', 'checkout-index', '--all', '--force'], { env });
  } finally {
    rmSync(index, { force: true });
  }
}

/** exportCommit, without waiting. */
export async function exportCommitAsync(gitDir: string, commit: string, dest: string, scratch: string): Promise<void> {
  mkdirSync(dest, { recursive: false });
  const index = join(scratch, `index-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  try {
    const env = { GIT_INDEX_FILE: index };
    await gitAsync([`--git-dir=${gitDir}`, 'read-tree', commit], { env });
    await gitAsync([`--git-dir=${gitDir}`, `--work-tree=${dest}`, '-c', 'core.symlinks=true', 'checkout-index', '--all', '--force'], { env });
  } finally {
    rmSync(index, { force: true });
  }
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/**
 * Every symbolic link below `root` must resolve (following every link on the way, as the
 * kernel would) to something that exists inside `root`: a link to /etc/…, to `../..`, or one
 * that leads nowhere (it could lead out once something appears there) is refused.
 */
export function checkLinks(root: string): void {
  // realpathSync.native: the kernel's answer. Node's own realpathSync collapses `a/..` in a
  // link's target before following `a`, so `lib/up/..` with `up -> ../../..` would seem inside.
  const real = realpathSync.native(root);
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) {
        const target = readlinkSync(p);
        let resolved: string | undefined;
        try {
          resolved = realpathSync.native(p);
        } catch {
          resolved = undefined;
        }
        if (isAbsolute(target) || resolved === undefined || !inside(real, resolved)) {
          throw raise('KSP-DEPLOY-003', { path: printable(relative(root, p)), target: printable(target) });
        }
      } else if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
}
