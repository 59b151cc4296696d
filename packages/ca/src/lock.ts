// One writer at a time across processes: a lock file made with O_EXCL, holding the holder's pid,
// host and time. The CA's code is synchronous, and so is the lock: a waiter sleeps with
// Atomics.wait. A lock whose process is gone, or which is too old to be true, is taken over.
import { closeSync, fchownSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { raise } from './messages.ts';

export interface FileLockOptions {
  /** How long to wait for another holder before giving up with a 503 CAError. */
  timeoutMs: number;
  /** A lock older than this is stale even if its pid is alive (a reused pid). */
  staleMs: number;
  /** Who the lock file belongs to (root working in another user's folder). */
  owner?: { uid: number; gid: number };
}

// Locks this thread holds: a locked section that calls another (clean → revoke, generate → sign)
// takes the lock once. Locked sections are synchronous, so nothing else in this thread interleaves.
const held = new Map<string, { depth: number }>();
const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms: number) => Atomics.wait(sleepCell, 0, 0, ms);

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` holding the lock file `lockPath`; `fn` must not await. */
export function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => T): T {
  const mine = held.get(lockPath);
  if (mine) {
    mine.depth++;
    try {
      return fn();
    } finally {
      mine.depth--;
    }
  }
  const token = `${process.pid} ${hostname()} ${Date.now()} ${Math.random().toString(36).slice(2)}\n`;
  acquire(lockPath, token, options);
  held.set(lockPath, { depth: 1 });
  try {
    return fn();
  } finally {
    held.delete(lockPath);
    try {
      if (readFileSync(lockPath, 'utf8') === token) rmSync(lockPath, { force: true });
    } catch { /* already gone */ }
  }
}

function acquire(lockPath: string, token: string, options: FileLockOptions): void {
  const deadline = Date.now() + options.timeoutMs;
  let holder = '';
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        if (options.owner) fchownSync(fd, options.owner.uid, options.owner.gid);
        writeSync(fd, token);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    holder = breakIfStale(lockPath, options.staleMs) ?? holder;
    if (Date.now() >= deadline) {
      const [pid, host] = holder.split(' ');
      throw raise('KSP-CA-019', { lock: lockPath, pid: pid || '?', host: host || '?' });
    }
    sleep(5 + Math.random() * 20);
  }
}

/** Removes the lock if it is stale and returns undefined, or returns what it says about its holder. */
function breakIfStale(lockPath: string, staleMs: number): string | undefined {
  let content: string;
  let mtime: number;
  try {
    content = readFileSync(lockPath, 'utf8');
    mtime = statSync(lockPath).mtimeMs;
  } catch {
    return undefined; // released meanwhile
  }
  const [pidText, host, timeText] = content.trim().split(' ');
  const pid = Number(pidText);
  const since = Number(timeText) || mtime;
  const complete = content.endsWith('\n') && Number.isInteger(pid) && pid > 0;
  const stale = complete
    ? (host === hostname() && !processAlive(pid)) || Date.now() - since > staleMs
    : Date.now() - mtime > 5000; // its writer died between creating and writing it
  if (!stale) return content;
  // One process breaks a stale lock, and only the lock it judged stale (not a fresh one another
  // process took meanwhile): under a second O_EXCL file, it reads the lock again before removing it.
  const breaker = `${lockPath}.break`;
  try {
    closeSync(openSync(breaker, 'wx', 0o600));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(breaker).mtimeMs > 5000) rmSync(breaker, { force: true });
    } catch { /* gone */ }
    return content;
  }
  try {
    if (readFileSync(lockPath, 'utf8') === content) rmSync(lockPath, { force: true });
  } catch { /* gone */ } finally {
    rmSync(breaker, { force: true });
  }
  return undefined;
}
