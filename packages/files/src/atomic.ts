// Files are never half-written: new content goes to a temporary file in the same folder, is
// flushed, given its mode and owner, and renamed over the old one in one step.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, content: Buffer | string, mode?: number, owner?: { uid?: number; gid?: number }): void {
  const tmp = join(dirname(path), `.${basename(path)}.kasper-${randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    // Set the mode exactly (openSync's is filtered by the umask).
    chmodSync(tmp, mode ?? 0o644);
    if (owner && (owner.uid !== undefined || owner.gid !== undefined)) chownSync(tmp, owner.uid ?? -1, owner.gid ?? -1);
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}
