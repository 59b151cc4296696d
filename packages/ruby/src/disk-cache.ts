// What the package keeps in the user's cache folder besides the VM snapshot: module types'
// metadata (type-cache.ts), compiled templates (erb.ts) and compiled function files (functions.ts). Entries are text files whose first
// line is the SHA-256 of the rest, written atomically (@kasper/files) in a private folder
// ($XDG_CACHE_HOME/kasper, or ~/.cache/kasper, or configureRuby's cacheDir); one that is
// unreadable or does not match its checksum is treated as missing. Every entry's key includes
// cacheVersion(): the WebAssembly Ruby's version and the code that made the entry.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateCacheDir, pruneOldest, writeFileAtomic } from '@kasper/files';

const require = createRequire(import.meta.url);
const HERE = dirname(fileURLToPath(import.meta.url));
/** `.ts` when running the sources, `.js` when running the emitted JavaScript (packages/ruby/dist). */
export const EXT = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

let dir: string | undefined;
let version: string | undefined;

/** The cache folder (default $XDG_CACHE_HOME/kasper, or ~/.cache/kasper). */
export function configureDiskCache(folder: string | undefined): void {
  dir = folder;
}

export const sha256 = (text: string | Buffer): string => createHash('sha256').update(text).digest('hex');

/** What every entry depends on besides its own inputs: the WebAssembly Ruby, the shim and the code that reads and writes entries. */
export function cacheVersion(): string {
  if (version === undefined) {
    const h = createHash('sha256').update('kasper-ruby-cache-1');
    try {
      const wasmPkg = join(dirname(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm')), '..', 'package.json');
      h.update((JSON.parse(readFileSync(wasmPkg, 'utf8')) as { version: string }).version);
    } catch {
      h.update('no-ruby');
    }
    const shim = join(HERE, 'ruby');
    for (const f of readdirSync(shim).filter((n) => n.endsWith('.rb')).sort()) h.update(`\0${f}\0`).update(readFileSync(join(shim, f)));
    for (const f of ['resource-types', 'type-cache', 'module-files', 'erb', 'functions', 'disk-cache']) h.update(`\0${f}\0`).update(readFileSync(join(HERE, f + EXT)));
    version = h.digest('hex');
  }
  return version;
}

/**
 * Folders made and checked in this process, by cache folder and kind. Checked once per process,
 * as the compiler's parsed-manifest cache is: every template and function file asked for its
 * folder, and the checks (two mkdir calls and an lstat) were ~90 system calls in a compile of the
 * apache site. A folder removed while a master runs is made again by writeEntry.
 */
const folders = new Map<string, string>();

/** The private folder for one kind of entry, made if need be; undefined when there is none. */
export function cacheFolder(kind: string): string | undefined {
  // (By what privateCacheDir reads: a test may point the cache elsewhere within one process.)
  const memo = `${dir ?? `${process.env.XDG_CACHE_HOME ?? ''}\0${process.env.HOME ?? ''}`}\0${kind}`;
  const known = folders.get(memo);
  if (known !== undefined) return known;
  const base = privateCacheDir(dir);
  if (!base) return undefined;
  const folder = join(base, kind);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch {
    return undefined;
  }
  folders.set(memo, folder);
  return folder;
}

/** An entry's text if the file is there and matches its checksum. */
export function readEntry(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const nl = text.indexOf('\n');
    const body = text.slice(nl + 1);
    return nl > 0 && text.slice(0, nl) === sha256(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/** Entries a folder may hold before its oldest are removed (see prune). */
export const MAX_ENTRIES = 2000;
const pruned = new Set<string>();

/**
 * Keeps a folder bounded: entries are named by a file's path, and code deployed to new folders
 * (or many environments) keeps adding names. Once per process and folder, before the first
 * write, a folder past MAX_ENTRIES loses its oldest entries (by time written) down to half of
 * it; an entry still in use is simply made again when next needed.
 */
function prune(folder: string): void {
  if (pruned.has(folder)) return;
  pruned.add(folder);
  pruneOldest(folder, MAX_ENTRIES);
}

/** Writes an entry atomically; false when it could not be written (then there is simply no entry). */
export function writeEntry(file: string, body: string): boolean {
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    prune(dirname(file));
    writeFileAtomic(file, `${sha256(body)}\n${body}`, 0o600);
    return true;
  } catch {
    return false;
  }
}

/** A file's compiled Ruby code (instruction sequences) in the cache: where, under what key, for which source. */
export interface IseqEntry {
  file: string;
  key: string;
  /** SHA-256 of the source the code was compiled from. */
  source: string;
  /** The kept code, when an earlier run left it for this very source. */
  iseq?: string;
}

/** The compiled code kept in `entry.file`, if it was written by `magic`'s code for this key and source. */
export function readIseq(magic: string, entry: IseqEntry): string | undefined {
  const body = readEntry(entry.file);
  if (body === undefined) return undefined;
  try {
    const saved = JSON.parse(body) as { magic?: string; key?: string; source?: string; iseq?: unknown };
    if (saved.magic === magic && saved.key === entry.key && saved.source === entry.source && typeof saved.iseq === 'string') return saved.iseq;
  } catch {
    // not JSON: compiled again and rewritten
  }
  return undefined;
}

/**
 * The request fields asking Ruby to keep its compiled code (and to use `entry.iseq` if there is
 * one); `ctx` then answers Ruby's `op` host call, which hands the code over, by writing the entry.
 */
export function keepIseq(
  magic: string,
  entry: IseqEntry,
  ctx: { handle?(op: string, args: string[]): unknown },
  op: string,
  stats: { written: number },
): string {
  const base = ctx.handle!.bind(ctx);
  ctx.handle = (name, args) => {
    if (name !== op) return base(name, args);
    if (writeEntry(entry.file, JSON.stringify({ magic, key: entry.key, source: entry.source, iseq: args[0] }))) stats.written++;
    return undefined;
  };
  return `,"keep":true${entry.iseq ? `,"iseq":${JSON.stringify(entry.iseq)}` : ''}`;
}
