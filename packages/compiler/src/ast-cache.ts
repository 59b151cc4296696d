// Parsed manifests and EPP templates kept in the user's cache folder ($XDG_CACHE_HOME/kasper/ast,
// or ~/.cache/kasper/ast), as Python keeps .pyc files: a file whose text is unchanged is not parsed
// again by the next command. An entry is named by the SHA-256 of the text, how it is parsed
// (manifest or EPP) and the parser's identity (path, size and time of the language package's
// parsing modules, chevrotain's package.json and this file: the emitted JavaScript that runs, or
// the sources), so a changed parser never reads a tree an older one made. Only parses without an error are stored (a file with a syntax error is parsed, and
// reported with its place, every time). `KASPER_AST_CACHE=0` or `configureAstCache(false)` turns
// the cache off; it is used only in a folder private to the user, like the YAML cache.
//
// The format (measured in docs/performance.md: JSON.parse of the tree, v8.deserialize and parsing
// cold compared): the tree is a stream of 32-bit integers, an object being the number of its shape
// (its keys, in order) followed by its values; strings, shapes and non-int32 numbers in tables.
// Reading it builds each object with one object literal per shape, so the tree read equals the
// parser's: the same keys in the same order, the same values (a test compares every file of the
// Debian module corpus both ways). An entry is
//   "KASPERAST1\n" · u32 header bytes · u32 floats · u32 ints · the key (SHA-256) · the SHA-256
//   of what follows it · header JSON ([strings, shapes]) · padding to 8 · float64[floats] ·
//   int32[ints] (the numbers in the machine's byte order; node:zlib's CRC-32 would be faster by
//   ~1 ms on 3.6 MB of entries, but loading node:zlib costs as much)
// written atomically (@kasper/files); one that is short, long, fails its checksum or does not decode
// to a whole tree is ignored (the file is parsed and the entry written again).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineMap, parserSourceFiles, parseSource, type ParseResult } from '@kasper/language';
import { pruneOldest, writeFileAtomic } from '@kasper/files';
import { cacheFolder } from './cache-folder.ts';

const MAGIC = Buffer.from('KASPERAST1\n');
/** The magic, three counts, the key's digest (an entry under another entry's name is refused) and the rest's. */
const KEY_AT = MAGIC.length + 12;
const SUM_AT = KEY_AT + 32;
const HEAD = SUM_AT + 32;

let identity: string | undefined;

const folder = cacheFolder('ast', 'KASPER_AST_CACHE', () => parserIdentity() !== '');

/** Where entries go (default $XDG_CACHE_HOME/kasper); `false` turns the cache off. */
export function configureAstCache(dir: string | false | undefined): void {
  folder.configure(dir);
}

/**
 * The parser's identity: the path, size and time of each file of its code and of this one (as the
 * YAML cache names its library; reading and hashing their 230 KB cost 1–4 ms a command, the
 * stats ~0.1 ms), '' when one cannot be read (no cache then).
 */
function parserIdentity(): string {
  if (identity === undefined) {
    try {
      const h = createHash('sha256').update(`kasper-ast-cache-1\0${endianness()}`);
      for (const f of [...parserSourceFiles(), fileURLToPath(import.meta.url)]) {
        const st = statSync(f);
        h.update(`\0${f}\0${st.size}\0${st.mtimeMs}`);
      }
      identity = h.digest('hex');
    } catch {
      identity = '';
    }
  }
  return identity;
}

/** The digest naming the entry of `text` parsed as `kind`. */
const entryKey = (kind: string, text: string): Buffer => createHash('sha256').update(`${parserIdentity()}\0${kind}\0`).update(text).digest();
const entryFile = (dir: string, key: Buffer): string => join(dir, key.toString('hex').slice(0, 40) + '.ast');

// Tags of the integer stream; a value ≥ 0 is an object of that shape.
const NULL = -1, TRUE = -2, FALSE = -3, UNDEFINED = -4, ARRAY = -5, STRING = -6, FLOAT = -7, INT = -8;

/**
 * A tree as an entry, or undefined if it holds anything the format does not keep exactly: an
 * object that is not plain, an array with holes, a node reached twice (the reader would make two),
 * a key `__proto__`.
 */
export function encodeTree(root: unknown, key: Buffer): Buffer | undefined {
  let ints = new Int32Array(4096);
  let n = 0;
  const push = (x: number): void => {
    if (n === ints.length) {
      const more = new Int32Array(n * 2);
      more.set(ints);
      ints = more;
    }
    ints[n++] = x;
  };
  const floats: number[] = [];
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const shapes: string[][] = [];
  /** Shapes by their keys, one key a level (no string made per object to look one up). */
  interface ShapeNode { id: number; next: Map<string, ShapeNode> | null }
  const shapeRoot: ShapeNode = { id: -1, next: null };
  const seen = new Set<object>();
  let ok = true;
  const value = (v: unknown): void => {
    if (!ok) return;
    if (v === null) push(NULL);
    else if (v === true) push(TRUE);
    else if (v === false) push(FALSE);
    else if (v === undefined) push(UNDEFINED);
    else if (typeof v === 'string') {
      let id = stringIds.get(v);
      if (id === undefined) stringIds.set(v, (id = strings.push(v) - 1));
      push(STRING);
      push(id);
    } else if (typeof v === 'number') {
      if ((v | 0) === v && !Object.is(v, -0)) {
        push(INT);
        push(v);
      } else {
        push(FLOAT);
        push(floats.push(v) - 1);
      }
    } else if (typeof v === 'object' && !seen.has(v)) {
      seen.add(v);
      if (Array.isArray(v)) {
        push(ARRAY);
        push(v.length);
        for (let i = 0; i < v.length; i++) {
          if (!(i in v)) ok = false;
          value(v[i]);
        }
      } else if (Object.getPrototypeOf(v) === Object.prototype) {
        const o = v as Record<string, unknown>;
        let node = shapeRoot;
        for (const k in o) {
          const next = (node.next ??= new Map());
          let child = next.get(k);
          if (!child) next.set(k, (child = { id: -1, next: null }));
          node = child;
        }
        if (node.id < 0) {
          const keys = Object.keys(o);
          if (keys.includes('__proto__')) ok = false;
          node.id = shapes.push(keys) - 1;
        }
        push(node.id);
        // the values by the shape's own keys (for…in would also list a key added to Object.prototype)
        const keys = shapes[node.id]!;
        for (let i = 0; i < keys.length; i++) value(o[keys[i]!]);
      } else ok = false;
    } else ok = false;
  };
  value(root);
  if (!ok) return undefined;
  const header = Buffer.from(JSON.stringify([strings, shapes]));
  const pad = (8 - ((HEAD + header.length) % 8)) % 8;
  const out = Buffer.alloc(HEAD + header.length + pad + floats.length * 8 + n * 4);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(header.length, MAGIC.length);
  out.writeUInt32LE(floats.length, MAGIC.length + 4);
  out.writeUInt32LE(n, MAGIC.length + 8);
  key.copy(out, KEY_AT, 0, 32);
  header.copy(out, HEAD);
  const at = HEAD + header.length + pad;
  // the numbers in this machine's byte order (part of the entry's name: endianness())
  Buffer.from(new Float64Array(floats).buffer).copy(out, at);
  Buffer.from(ints.buffer, 0, n * 4).copy(out, at + floats.length * 8);
  createHash('sha256').update(out.subarray(HEAD)).digest().copy(out, SUM_AT);
  return out;
}

/** Builders of an object of one shape, by its keys: one object literal each (made once a process). */
const builders = new Map<string, (next: () => unknown) => unknown>();
function builder(keys: string[]): (next: () => unknown) => unknown {
  const signature = keys.join('\0');
  let make = builders.get(signature);
  if (!make) {
    // Property values are evaluated in the order written: the stream's order. Keys are quoted by
    // JSON.stringify, so no key can be anything but a key.
    make = new Function('next', `return { ${keys.map((k) => `${JSON.stringify(k)}: next()`).join(', ')} };`) as (next: () => unknown) => unknown;
    builders.set(signature, make);
  }
  return make;
}

class Corrupt extends Error {}

/** The tree of an entry, or undefined if it is not a whole, sound entry. */
export function decodeTree(buf: Buffer, key: Buffer): unknown {
  if (buf.length < HEAD || !buf.subarray(0, MAGIC.length).equals(MAGIC) || !buf.subarray(KEY_AT, SUM_AT).equals(key.subarray(0, 32))) return undefined;
  const headerBytes = buf.readUInt32LE(MAGIC.length);
  const nFloats = buf.readUInt32LE(MAGIC.length + 4);
  const nInts = buf.readUInt32LE(MAGIC.length + 8);
  const pad = (8 - ((HEAD + headerBytes) % 8)) % 8;
  const dataAt = HEAD + headerBytes + pad;
  if (buf.length !== dataAt + nFloats * 8 + nInts * 4) return undefined;
  if (!createHash('sha256').update(buf.subarray(HEAD)).digest().equals(buf.subarray(SUM_AT, HEAD))) return undefined;
  try {
    const [strings, shapes] = JSON.parse(buf.toString('utf8', HEAD, HEAD + headerBytes)) as [string[], string[][]];
    if (!Array.isArray(strings) || !Array.isArray(shapes)) return undefined;
    for (const keys of shapes) {
      if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string' || k === '__proto__')) return undefined;
    }
    // aligned views of the numbers (a copy when the buffer's own offset is not aligned)
    let aligned = buf;
    if ((buf.byteOffset + dataAt) % 8 !== 0) buf.copy((aligned = Buffer.alloc(buf.length)));
    const floats = new Float64Array(aligned.buffer, aligned.byteOffset + dataAt, nFloats);
    const ints = new Int32Array(aligned.buffer, aligned.byteOffset + dataAt + nFloats * 8, nInts);
    const makers: ((next: () => unknown) => unknown)[] = new Array(shapes.length);
    let p = 0;
    const next = (): unknown => {
      if (p >= nInts) throw new Corrupt();
      const t = ints[p++]!;
      if (t >= 0) {
        if (t >= shapes.length) throw new Corrupt();
        return (makers[t] ??= builder(shapes[t]!))(next);
      }
      switch (t) {
        case INT:
          if (p >= nInts) throw new Corrupt();
          return ints[p++];
        case STRING: {
          const s = strings[ints[p++]!];
          if (typeof s !== 'string') throw new Corrupt();
          return s;
        }
        case NULL: return null;
        case TRUE: return true;
        case FALSE: return false;
        case UNDEFINED: return undefined;
        case ARRAY: {
          const n = ints[p++]!;
          if (!(n >= 0 && n <= nInts - p)) throw new Corrupt();
          const a = new Array(n);
          for (let i = 0; i < n; i++) a[i] = next();
          return a;
        }
        case FLOAT: {
          const i = ints[p++]!;
          if (!(i >= 0 && i < nFloats)) throw new Corrupt();
          return floats[i];
        }
      }
      throw new Corrupt();
    };
    const tree = next();
    return p === nInts ? tree : undefined;
  } catch {
    // unreadable (Corrupt, bad JSON, a stack overflow on a hostile nesting): not an entry
    return undefined;
  }
}

interface Stored {
  program: ParseResult['program'];
  diagnostics: ParseResult['diagnostics'];
  comments: ParseResult['comments'];
}

/** A stored parse of `text` (named `path`), if there is a sound entry. */
function cached(dir: string, kind: string, text: string, path: string): ParseResult | undefined {
  const key = entryKey(kind, text);
  let buf: Buffer;
  try {
    buf = readFileSync(entryFile(dir, key));
  } catch {
    return undefined;
  }
  const s = decodeTree(buf, key) as Stored | undefined;
  if (!s || typeof s !== 'object' || s.program?.kind !== 'Program' || !Array.isArray(s.diagnostics) || !Array.isArray(s.comments)) return undefined;
  // warnings name the file as it is named now (the same text may be in another place)
  for (const d of s.diagnostics) {
    if (d === null || typeof d !== 'object') return undefined;
    d.file = path;
  }
  return { program: s.program, diagnostics: s.diagnostics, comments: s.comments, lineMap: new LineMap(text) };
}

/** Entries the folder may hold; past that the oldest go, down to half of it (see prune). */
export const MAX_AST_ENTRIES = 4000;
let writes = 0;

function prune(dir: string): void {
  // On the first write of a process and every MAX_AST_ENTRIES / 2 writes after (a long-running master).
  if (writes++ % (MAX_AST_ENTRIES / 2) === 0) pruneOldest(dir, MAX_AST_ENTRIES);
}

function store(dir: string, kind: string, text: string, path: string, r: ParseResult): void {
  if (r.diagnostics.some((d) => d.severity === 'error' || d.file !== path)) return;
  try {
    const key = entryKey(kind, text);
    const body = encodeTree({ program: r.program, diagnostics: r.diagnostics, comments: r.comments } satisfies Stored, key);
    if (!body) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    prune(dir);
    // not flushed to the disk: a crash may leave it short or empty, which the reader refuses
    writeFileAtomic(entryFile(dir, key), body, 0o600, undefined, { flush: false });
  } catch {
    // no entry: the text is parsed again next time
  }
}

/**
 * `parseSource(text, path)`, from the cache when it holds this text's parse, otherwise parsed
 * (and stored if it parsed without an error). The result is the parser's, whichever way it came.
 */
export function parseSourceCached(text: string, path: string): ParseResult {
  const dir = folder.get();
  if (!dir) return parseSource(text, path);
  const kind = path.endsWith('.epp') ? 'epp' : 'manifest';
  const hit = cached(dir, kind, text, path);
  if (hit) return hit;
  const result = parseSource(text, path);
  store(dir, kind, text, path, result);
  return result;
}
