// Text files that several resources edit a line or a setting of (file_line, ini_setting,
// ini_subsetting): each file is read once per run and kept in the run's cache; resources change
// the copy in memory, and the transaction writes every changed file once (atomically, the old
// content kept in the file bucket) before the next resource of another kind is evaluated and
// at the end of the run. So a file with 100 settings is read once and written at most once.
// A copy that nobody changed is checked against the file's size, time and inode before use, so
// a file another resource rewrote in between (a file or an exec) is read again.
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { writeFileAtomic } from '@kasper/files';
import type { ProviderContext, Resource } from './api.ts';

export interface TextFile {
  path: string;
  /** Whether the file exists (or will, once written). */
  exists: boolean;
  /** The text as it will be written. */
  text: string;
  /** The text as read from disk (undefined: there was no file). */
  original?: string;
  /** Changed in memory, not yet written. */
  dirty: boolean;
  /** Resources whose changes the pending write carries. */
  refs: Set<string>;
  /** Bumped on every change: parsers cache their model per version. */
  version: number;
  stamp: string;
}

const KEY = 'textfile:';

function stampOf(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch {
    return 'absent';
  }
}

function load(path: string): TextFile {
  const stamp = stampOf(path);
  let text: string | undefined;
  if (stamp !== 'absent') {
    try {
      if (lstatSync(path).isDirectory()) text = undefined;
      else text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
  }
  return { path, exists: text !== undefined, text: text ?? '', original: text, dirty: false, refs: new Set(), version: 0, stamp };
}

/** The run's copy of a file: read on first use, read again when it changed on disk since and holds no pending change. */
export function textFile(ctx: ProviderContext, path: string): TextFile {
  const key = KEY + path;
  let f = ctx.cache.get(key) as TextFile | undefined;
  if (f && !f.dirty && f.stamp !== stampOf(path)) f = undefined;
  if (!f) {
    f = load(path);
    ctx.cache.set(key, f);
  }
  return f;
}

/** The prefetch of the types that edit a file (its `path`): every file the run's resources edit is read once, up front. */
export async function prefetchTextFiles(resources: readonly Resource[], ctx: ProviderContext): Promise<void> {
  for (const r of resources) if (typeof r.params.path === 'string') textFile(ctx, r.params.path);
}

/** Records a change: the file will be written with `text` when the transaction flushes. */
export function changeText(ctx: ProviderContext, f: TextFile, text: string, ref: string): void {
  if (text === f.text && f.exists) return;
  f.text = text;
  f.exists = true;
  f.dirty = true;
  f.version++;
  f.refs.add(ref);
}

export interface FlushFailure {
  path: string;
  refs: string[];
  error: Error;
}

/** Writes every changed file once; returns the writes that failed with the resources they carried. */
export function flushTextFiles(ctx: ProviderContext): FlushFailure[] {
  const failures: FlushFailure[] = [];
  for (const [key, value] of ctx.cache) {
    if (!key.startsWith(KEY)) continue;
    const f = value as TextFile;
    if (!f.dirty) continue;
    try {
      let mode = 0o644;
      let owner: { uid?: number; gid?: number } | undefined;
      try {
        const st = statSync(f.path);
        mode = st.mode & 0o7777;
        owner = { uid: st.uid, gid: st.gid };
      } catch {
        // a new file
      }
      if (f.original !== undefined && f.original !== f.text) ctx.bucket.backup(Buffer.from(f.original), f.path);
      writeFileAtomic(f.path, f.text, mode, owner);
      f.original = f.text;
      f.stamp = stampOf(f.path);
    } catch (e) {
      failures.push({ path: f.path, refs: [...f.refs], error: e as Error });
      // what could not be written is read again by whoever uses the file next
      ctx.cache.delete(key);
    }
    f.dirty = false;
    f.refs.clear();
  }
  return failures;
}

/** A file's text as lines, each with its line ending (Ruby's readlines). */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const out = text.split(/(?<=\n)/);
  return out;
}

/** Ruby's puts for each line: a line gets a newline unless it has one. */
export function putsLines(lines: string[]): string {
  return lines.map((l) => (l.endsWith('\n') ? l : `${l}\n`)).join('');
}
