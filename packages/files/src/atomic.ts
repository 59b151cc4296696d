// Files are never half-written: new content goes to a temporary file in the same folder, is
// flushed, given its mode and owner, and renamed over the old one in one step.
import { chmodSync, chownSync, closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `content` to `path` in one step (see above). `flush: false` skips the fsync before the
 * rename, for files that only save work (caches): after a crash such a file may be empty or
 * short, so its reader must check it (a length, a checksum); the fsync costs milliseconds a file.
 */
export function writeFileAtomic(path: string, content: Buffer | string | Iterable<string>, mode?: number, owner?: { uid?: number; gid?: number }, options: { flush?: boolean } = {}): void {
  // (node:crypto taken here, not imported: an import loads it into every command that loads this
  // package, 2.6 ms, 5.6 under a command's V8 flags: `parser validate` loads it for its code cache,
  // packages/cli/src/script-cache.ts, and writes nothing on most runs)
  const tmp = join(dirname(path), `.${basename(path)}.kasper-${process.getBuiltinModule('node:crypto').randomBytes(6).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    // A string is encoded as it is written (no Buffer copy of it left for the collector), and
    // pieces (a large report's JSON, jsonChunks) one after another, so the whole is never in memory.
    if (typeof content === 'string' || Buffer.isBuffer(content)) writeAll(fd, content);
    else {
      // Gathered into writes of about 64 KiB: one system call per piece would cost more than the string saved.
      let batch = '';
      for (const piece of content) {
        batch += piece;
        if (batch.length >= 65536) {
          writeAll(fd, batch);
          batch = '';
        }
      }
      if (batch) writeAll(fd, batch);
    }
    if (options.flush !== false) fsyncSync(fd);
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

/** Writes all of `data` (a write may take fewer bytes than given). */
function writeAll(fd: number, data: string | Buffer): void {
  let buffer = typeof data === 'string' ? undefined : data;
  if (typeof data === 'string') {
    const written = writeSync(fd, data);
    if (written === Buffer.byteLength(data)) return;
    buffer = Buffer.from(data).subarray(written);
  }
  for (let at = 0; at < buffer!.length;) at += writeSync(fd, buffer!, at);
}
