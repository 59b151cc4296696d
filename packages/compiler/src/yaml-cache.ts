// Parsed YAML data kept in the user's cache folder ($XDG_CACHE_HOME/kasper/yaml, or
// ~/.cache/kasper/yaml), named by the SHA-256 of the text, how it is read (YAML 1.2, or 1.1 as
// Ruby's Psych reads it) and the YAML library's file. A `kasper compile` reads the same facts and
// Hiera files every run; parsing them cold (a JIT-less YAML parser) cost ~25 ms of a 250 ms
// command, reading the stored JSON costs well under 1 ms and the YAML library is not loaded at all.
// Only data the library parsed without an error or a warning is stored; an entry is a text file
// whose first line is the SHA-256 of the rest, written atomically (@kasper/files); one that is
// unreadable, corrupt or does not match is treated as missing. The folder is kept to
// MAX_YAML_ENTRIES (data files change; each version is an entry).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pruneOldest, writeFileAtomic } from '@kasper/files';
import { cacheFolder } from './cache-folder.ts';

const FORMAT = 'kasper-yaml-cache-1';
const require = createRequire(import.meta.url);
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

let library: string | undefined;

const folder = cacheFolder('yaml', 'KASPER_YAML_CACHE');

/** Where entries go (default $XDG_CACHE_HOME/kasper); `false` turns the cache off. */
export function configureYamlCache(dir: string | false | undefined): void {
  folder.configure(dir);
}

/** The YAML library's identity: its main file's path, size and time (a new version parses anew). */
function libraryKey(): string {
  if (library === undefined) {
    try {
      const main = require.resolve('yaml');
      const st = statSync(main);
      library = `${main}\0${st.size}\0${st.mtimeMs}`;
    } catch {
      library = 'unknown';
    }
  }
  return library;
}

const entryFile = (dir: string, variant: string, text: string): string =>
  join(dir, sha256(`${FORMAT}\0${variant}\0${libraryKey()}\0${text}`).slice(0, 40) + '.json');

// Parsed data is null, booleans, strings, Floats (numbers), Integers (bigints), arrays and plain
// objects. JSON holds all but bigints and the non-finite or negative-zero floats; those become
// one-key objects under a key no YAML data of ours uses (data with such a key is not stored).
const TAG = '\u0000k';

function encode(value: unknown): string | undefined {
  let ok = true;
  const text = JSON.stringify(value, function (this: unknown, _key: string, v: unknown) {
    if (typeof v === 'bigint') return { [TAG]: 'i' + v.toString() };
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return { [TAG]: 'f' + (Object.is(v, -0) ? '-0' : String(v)) };
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) ok = false;
      else if (Object.hasOwn(v, TAG)) ok = false;
    } else if (v !== null && typeof v === 'object') {
      // arrays are fine
    } else if (v !== null && !['string', 'boolean', 'number'].includes(typeof v)) ok = false;
    return v;
  });
  return ok ? text : undefined;
}

function decode(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, TAG)) {
      const s = (v as Record<string, string>)[TAG]!;
      return s[0] === 'i' ? BigInt(s.slice(1)) : Number(s.slice(1));
    }
    return v;
  });
}

/** The stored result of parsing `text` as `variant`, if there is a sound entry. */
export function cachedYaml(variant: string, text: string): { value: unknown } | undefined {
  const dir = folder.get();
  if (!dir) return undefined;
  try {
    const raw = readFileSync(entryFile(dir, variant, text), 'utf8');
    const nl = raw.indexOf('\n');
    const body = raw.slice(nl + 1);
    if (nl <= 0 || raw.slice(0, nl) !== sha256(body)) return undefined;
    return { value: decode(body) };
  } catch {
    return undefined;
  }
}

/** Entries the folder may hold; past that the oldest go, down to half of it (see prune). */
export const MAX_YAML_ENTRIES = 2000;
let writes = 0;

function prune(dir: string): void {
  // On the first write of a process and every MAX_YAML_ENTRIES / 2 writes after (a long-running master).
  if (writes++ % (MAX_YAML_ENTRIES / 2) === 0) pruneOldest(dir, MAX_YAML_ENTRIES);
}

/** Stores a parse result (silently nothing when it cannot be stored). */
export function storeYaml(variant: string, text: string, value: unknown): void {
  const dir = folder.get();
  if (!dir) return;
  try {
    const body = encode(value);
    if (body === undefined) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    prune(dir);
    writeFileAtomic(entryFile(dir, variant, text), `${sha256(body)}\n${body}`, 0o600);
  } catch {
    // no entry: the text is parsed again next time
  }
}
