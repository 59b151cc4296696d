// A pre-initialised Ruby: the VM's linear memory and globals right after Ruby started and the
// shim loaded, kept on disk so that later processes restore it instead of starting Ruby again.
//
// WebAssembly keeps all of a module instance's state in its memory and its globals; ruby.wasm's
// globals are not exported, so the module is rewritten to export them (an export section entry
// per global, nothing else changes). Restoring = instantiate, copy the memory in, set the
// globals. What the snapshot cannot hold is rebuilt after restoring: ENV (WASI copies the
// environment into memory at start), the random seed, and everything that refers to JavaScript
// objects (the js gem and the bridge are loaded after the snapshot point, never in it). The
// snapshot's preopened folders are part of its key, since WASI's table of them lives in memory.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, openSync, read, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const PAGE = 65536;
const ZERO_PAGE = Buffer.alloc(PAGE);
const MAGIC = 'kasper-ruby-snapshot-8';

function leb(buf: Uint8Array, pos: number): [number, number] {
  let r = 0;
  let s = 0;
  let b: number;
  do {
    b = buf[pos++];
    r += (b & 0x7f) * 2 ** s;
    s += 7;
  } while (b & 0x80);
  return [r, pos];
}

function encLeb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** The module with every global exported as `kasper_global_N`; and how many there are. */
export function exportGlobals(bytes: Uint8Array): { bytes: Uint8Array; globals: number } {
  const sections = sectionsOf(bytes);
  const counts = importCounts(bytes, sections);
  if (!counts) throw new Error('the module has an import of a kind this reader does not know');
  const imported = counts.globals;
  const globalSection = sections.find((s) => s.id === 6);
  const defined = globalSection ? leb(bytes, globalSection.body)[0] : 0;
  const exportSection = sections.find((s) => s.id === 7);
  if (!exportSection) throw new Error('the module has no export section');
  const [count, entries] = leb(bytes, exportSection.body);
  const extra: number[] = [];
  const total = imported + defined;
  for (let i = 0; i < total; i++) {
    const name = Buffer.from(`kasper_global_${i}`);
    extra.push(...encLeb(name.length), ...name, 3, ...encLeb(i));
  }
  const body = Buffer.concat([Buffer.from(encLeb(count + total)), bytes.subarray(entries, exportSection.end), Buffer.from(extra)]);
  const out = Buffer.concat([bytes.subarray(0, exportSection.start), Buffer.from([7, ...encLeb(body.length)]), body, bytes.subarray(exportSection.end)]);
  return { bytes: out, globals: total };
}

export interface Snapshot {
  /** Memory size in bytes. */
  size: number;
  /** Global values by index (numbers; i64 globals as bigint). */
  globals: (number | bigint)[];
  /** Non-zero pages: page index and contents. */
  pages: { index: number; data: Uint8Array }[];
  /**
   * The module an instance restored from it is compiled from (globals exported, data segments
   * emptied): kept after the pages, so that a restoring process reads 11 MB instead of the 30 MB
   * module and rewrites nothing.
   */
  module: Uint8Array;
}

/** A snapshot on disk, opened and checked, its pages read straight into memory when restored. */
export interface SavedSnapshot {
  fd: number;
  size: number;
  globals: (number | bigint)[];
  pages: number[];
  /** Where the first page starts in the file. */
  offset: number;
  /** The module's length in bytes; it follows the pages. */
  moduleLength: number;
}

type WasmGlobal = { value: number | bigint };

/**
 * Takes the snapshot of an instance. `module` is the module a restoring process compiles; its
 * memory is made to start at the snapshot's size, so that restoring grows nothing. (V8 still
 * collects JavaScript's heap in full once for the ~100 MB of new WebAssembly memory: when the
 * instance is made now, at the grow before.)
 */
export function takeSnapshot(instance: WebAssembly.Instance, globals: number, module: Uint8Array): Snapshot {
  const memory = instance.exports.memory as WebAssembly.Memory;
  const all = new Uint8Array(memory.buffer);
  module = withImportedMemory(withInitialMemory(module, all.length / PAGE));
  const pages: Snapshot['pages'] = [];
  for (let i = 0; i * PAGE < all.length; i++) {
    const page = all.subarray(i * PAGE, (i + 1) * PAGE);
    if (page.some((b) => b !== 0)) pages.push({ index: i, data: Uint8Array.from(page) });
  }
  const values: (number | bigint)[] = [];
  for (let i = 0; i < globals; i++) values.push((instance.exports[`kasper_global_${i}`] as WasmGlobal).value);
  return { size: all.length, globals: values, pages, module };
}

/** Reads `length` bytes at `position` into `into` at `offset`, or throws (a truncated file). */
function readFully(fd: number, into: Uint8Array, offset: number, length: number, position: number): void {
  while (length > 0) {
    const n = readSync(fd, into, offset, length, position);
    if (n <= 0) throw new Error('the Ruby snapshot is truncated');
    offset += n;
    position += n;
    length -= n;
  }
}

/** The module kept in a saved snapshot (read before restoring; the file stays open). */
export function readSnapshotModule(saved: SavedSnapshot): Uint8Array {
  const bytes = Buffer.allocUnsafe(saved.moduleLength);
  readFully(saved.fd, bytes, 0, saved.moduleLength, saved.offset + saved.pages.length * PAGE);
  return bytes;
}

/** Runs of consecutive pages (one read each): where in memory, how long, where in the file. */
function pageRuns(saved: SavedSnapshot): { at: number; length: number; position: number }[] {
  const runs: { at: number; length: number; position: number }[] = [];
  let position = saved.offset;
  for (let k = 0; k < saved.pages.length; ) {
    let n = 1;
    while (k + n < saved.pages.length && saved.pages[k + n] === saved.pages[k] + n) n++;
    runs.push({ at: saved.pages[k] * PAGE, length: n * PAGE, position });
    position += n * PAGE;
    k += n;
  }
  return runs;
}

/**
 * Reads a saved snapshot's pages into `memory` (a restored module's imported memory, made before
 * the module is instantiated) on libuv's threads; settles when all are in, or rejects (the memory
 * must then not be used). The file stays open (restoreSnapshot closes it).
 */
export function readPages(saved: SavedSnapshot, memory: WebAssembly.Memory): Promise<void> {
  const all = new Uint8Array(memory.buffer);
  if (all.length < saved.size) return Promise.reject(new RangeError('memory'));
  return Promise.all(pageRuns(saved).map((run) => new Promise<void>((resolve, reject) => {
    let done = 0;
    const next = () => read(saved.fd, all, run.at + done, run.length - done, run.position + done, (e, n) => {
      if (e || n === 0) return reject(e ?? new RangeError('short'));
      done += n;
      if (done < run.length) next();
      else resolve();
    });
    next();
  }))).then(() => undefined);
}

/**
 * Puts a saved snapshot into a fresh instance of the same (rewritten) module, reading its pages
 * from the file straight into the instance's memory, and closes the file. `zeroed`: nothing has
 * run in the instance (its module has no active data and its `_initialize` was not called), so
 * its memory is all zeros and only the snapshot's pages need writing. `pagesIn`: they are in
 * already (readPages, into the memory the instance imports).
 */
export function restoreSnapshot(instance: WebAssembly.Instance, saved: SavedSnapshot, zeroed = false, pagesIn = false): void {
  try {
    const memory = instance.exports.memory as WebAssembly.Memory & { grow(pages: number): number };
    const fresh = memory.buffer.byteLength;
    const missing = (saved.size - fresh) / PAGE;
    if (missing > 0) memory.grow(missing);
    const all = new Uint8Array(memory.buffer);
    if (!zeroed) {
      // Clear what the fresh instance wrote and the snapshot does not cover, without touching
      // the rest: writing every page would make all of memory resident. (Compared natively, a
      // page at a time: a loop over its words in JavaScript cost ~20 ms.)
      const covered = new Set(saved.pages);
      const view = Buffer.from(memory.buffer);
      for (let i = 0; i * PAGE < fresh; i++) {
        if (covered.has(i)) continue;
        if (!view.subarray(i * PAGE, (i + 1) * PAGE).equals(ZERO_PAGE)) all.fill(0, i * PAGE, (i + 1) * PAGE);
      }
    }
    if (!pagesIn) for (const run of pageRuns(saved)) readFully(saved.fd, all, run.at, run.length, run.position);
    saved.globals.forEach((v, i) => {
      const g = instance.exports[`kasper_global_${i}`] as WasmGlobal;
      try {
        g.value = v;
      } catch {
        // an immutable global: its value is the module's own
      }
    });
  } finally {
    closeSync(saved.fd);
  }
}

/**
 * The module with its active data segments emptied, for an instance that a snapshot restores:
 * the snapshot holds every non-zero page of memory, the segments' contents included (the
 * WebAssembly Ruby's standard library, ~19 MB), so copying them into the fresh instance is wasted
 * work, and leaving them out of the module saves V8 keeping those bytes. Segments stay (empty,
 * at their offsets), so every index the code uses remains valid; passive segments are kept.
 */
export function withoutData(bytes: Uint8Array): Uint8Array {
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, body] = leb(bytes, pos + 1);
    if (id !== 11) {
      pos = body + size;
      continue;
    }
    const end = body + size;
    let [count, p] = leb(bytes, body);
    const out: number[] = [...encLeb(count)];
    for (let i = 0; i < count; i++) {
      const start = p;
      let flags: number;
      [flags, p] = leb(bytes, p);
      if (flags === 1) {
        // passive: kept as it is
        let len: number;
        [len, p] = leb(bytes, p);
        p += len;
        for (let b = start; b < p; b++) out.push(bytes[b]);
        continue;
      }
      if (flags === 2) [, p] = leb(bytes, p); // memory index
      const op = bytes[p++];
      if (op === 0x41 || op === 0x42 || op === 0x23) {
        while (bytes[p++] & 0x80);
      } else throw new Error(`unexpected data segment offset (opcode ${op})`);
      if (bytes[p++] !== 0x0b) throw new Error('unexpected data segment offset');
      for (let b = start; b < p; b++) out.push(bytes[b]);
      let len: number;
      [len, p] = leb(bytes, p);
      p += len;
      out.push(0); // no bytes
    }
    if (p !== end) throw new Error('malformed data section');
    const section = Buffer.concat([Buffer.from([11, ...encLeb(out.length)]), Buffer.from(out)]);
    return Buffer.concat([bytes.subarray(0, pos), section, bytes.subarray(end)]);
  }
  return bytes;
}

/**
 * The module with its (own, not imported) memory starting at `pages` pages instead of its
 * declared minimum; unchanged when the memory is imported or its maximum is smaller.
 */
export function withInitialMemory(bytes: Uint8Array, pages: number): Uint8Array {
  const section = sectionsOf(bytes).find((s) => s.id === 5);
  if (!section) return bytes;
  const [count, p] = leb(bytes, section.body);
  if (count !== 1) return bytes;
  const [flags, q] = leb(bytes, p);
  if (flags !== 0 && flags !== 1) return bytes; // shared or 64-bit memories are not Ruby's
  const [min, r] = leb(bytes, q);
  let end = r;
  if (flags === 1) {
    const [max, s] = leb(bytes, r);
    if (max < pages) return bytes;
    end = s;
  }
  if (min >= pages) return bytes;
  const body = Buffer.concat([Buffer.from([...encLeb(1), ...encLeb(flags), ...encLeb(pages)]), bytes.subarray(r, end), bytes.subarray(end, section.end)]);
  return Buffer.concat([bytes.subarray(0, section.start), Buffer.from([5, ...encLeb(body.length)]), body, bytes.subarray(section.end)]);
}

/** The import a restored module takes its memory from (withImportedMemory). */
const MEMORY_IMPORT = ['kasper', 'memory'] as const;
/** WebAssembly's largest 32-bit memory, in 64 KiB pages. */
const MAX_PAGES = 65536;

/**
 * The module with its memory imported (as kasper.memory, with the same initial size) instead of
 * its own: a process can then make the memory, and read the snapshot's pages into it, before the
 * module is compiled (prestart.ts). The memory keeps index 0 and its export, so nothing else
 * changes. Unchanged when the module has no memory of its own, or not exactly one.
 *
 * The import is a shared memory (maximum: the module's own, else WebAssembly's 4 GiB), which
 * nothing but this instance ever uses: V8 counts an unshared memory's size as external memory of
 * the isolate, and making Ruby's (~100 MiB with the heap's reserve) or growing it started a full
 * collection of the JavaScript heap at once; a shared one is not counted per isolate. Loads and
 * stores are the same WebAssembly instructions either way.
 */
export function withImportedMemory(bytes: Uint8Array): Uint8Array {
  const sections = sectionsOf(bytes);
  const memory = sections.find((s) => s.id === 5);
  const imports = sections.find((s) => s.id === 2);
  if (!memory || !imports || memory.start < imports.end) return bytes;
  const [count, p] = leb(bytes, memory.body);
  let [flags, q] = leb(bytes, p);
  if (count !== 1 || (flags !== 0 && flags !== 1)) return bytes; // shared or 64-bit memories are not Ruby's
  let initial: number;
  let maximum = MAX_PAGES;
  [initial, q] = leb(bytes, q);
  if (flags === 1) [maximum] = leb(bytes, q);
  const [n, entries] = leb(bytes, imports.body);
  const name = (text: string) => [...encLeb(text.length), ...Buffer.from(text)];
  // flags 3: a maximum is given, shared
  const entry = Buffer.from([...name(MEMORY_IMPORT[0]), ...name(MEMORY_IMPORT[1]), 2, 3, ...encLeb(initial), ...encLeb(maximum)]);
  const body = Buffer.concat([Buffer.from(encLeb(n + 1)), bytes.subarray(entries, imports.end), entry]);
  return Buffer.concat([bytes.subarray(0, imports.start), Buffer.from([2, ...encLeb(body.length)]), body, bytes.subarray(imports.end, memory.start), bytes.subarray(memory.end)]);
}

/** The limits of a module's imported kasper.memory (withImportedMemory), in pages; undefined if it has none. */
export function importedMemory(bytes: Uint8Array): { initial: number; maximum: number; shared: true } | undefined {
  const memory = importEntries(bytes, sectionsOf(bytes)).entries.find((e) => e.kind === 2 && e.module === MEMORY_IMPORT[0] && e.field === MEMORY_IMPORT[1]);
  const limits = memory?.limits;
  if (!limits || limits.flags !== 3 || limits.maximum === undefined) return undefined;
  return { initial: limits.initial, maximum: limits.maximum, shared: true };
}

function sectionsOf(bytes: Uint8Array): { id: number; start: number; body: number; end: number }[] {
  const sections: { id: number; start: number; body: number; end: number }[] = [];
  let pos = 8;
  while (pos < bytes.length) {
    const id = bytes[pos];
    const [size, body] = leb(bytes, pos + 1);
    sections.push({ id, start: pos, body, end: body + size });
    pos = body + size;
  }
  return sections;
}

interface ImportEntry {
  module: string;
  field: string;
  /** 0 function, 1 table, 2 memory, 3 global. */
  kind: number;
  /** A table's or memory's limits (flags: bit 0 a maximum is given). */
  limits?: { flags: number; initial: number; maximum?: number };
}

/**
 * A module's imports, in order; `complete` is false when an import of a kind this reader does
 * not know stopped it (the entries before it are given).
 */
function importEntries(bytes: Uint8Array, sections: { id: number; body: number }[]): { entries: ImportEntry[]; complete: boolean } {
  const entries: ImportEntry[] = [];
  const imports = sections.find((s) => s.id === 2);
  if (!imports) return { entries, complete: true };
  let [n, p] = leb(bytes, imports.body);
  const text = () => {
    let len: number;
    [len, p] = leb(bytes, p);
    p += len;
    return Buffer.from(bytes.subarray(p - len, p)).toString();
  };
  const limits = () => {
    let flags: number;
    let initial: number;
    let maximum: number | undefined;
    [flags, p] = leb(bytes, p);
    [initial, p] = leb(bytes, p);
    if (flags & 1) [maximum, p] = leb(bytes, p);
    return { flags, initial, maximum };
  };
  for (; n > 0; n--) {
    const module = text();
    const field = text();
    const kind = bytes[p++];
    if (kind === 0) [, p] = leb(bytes, p);
    else if (kind === 1) p++; // the table's element type, then its limits
    else if (kind === 3) p += 2;
    else if (kind !== 2) return { entries, complete: false };
    entries.push(kind === 1 || kind === 2 ? { module, field, kind, limits: limits() } : { module, field, kind });
  }
  return { entries, complete: true };
}

/**
 * How many functions and globals a module imports (imports come first in their index spaces);
 * null when an import is of a kind this reader does not know.
 */
function importCounts(bytes: Uint8Array, sections: { id: number; body: number }[]): { functions: number; globals: number } | null {
  const { entries, complete } = importEntries(bytes, sections);
  if (!complete) return null;
  return { functions: entries.filter((e) => e.kind === 0).length, globals: entries.filter((e) => e.kind === 3).length };
}

/** Whether two modules declare the same functions with the same types (their function sections are equal). */
export function sameFunctions(a: Uint8Array, b: Uint8Array): boolean {
  const fa = sectionsOf(a).find((s) => s.id === 3);
  const fb = sectionsOf(b).find((s) => s.id === 3);
  return !!fa && !!fb && Buffer.compare(Buffer.from(a.subarray(fa.body, fa.end)), Buffer.from(b.subarray(fb.body, fb.end))) === 0;
}

/** How many functions a module imports (they come first in the function index space; 0 if unknown). */
export function importedFunctionCount(bytes: Uint8Array): number {
  return importCounts(bytes, sectionsOf(bytes))?.functions ?? 0;
}

/** How many functions a module declares (its function section's count). */
export function declaredFunctionCount(bytes: Uint8Array): number {
  const funcs = sectionsOf(bytes).find((s) => s.id === 3);
  return funcs ? leb(bytes, funcs.body)[0] : 0;
}

const HINTS = 'compilationHints';

/** Whether a module has a compilation hints section (withCompilationHints). */
export function hasCompilationHints(bytes: Uint8Array): boolean {
  for (const s of sectionsOf(bytes)) {
    if (s.id !== 0) continue;
    const [len, p] = leb(bytes, s.body);
    if (len === HINTS.length && Buffer.from(bytes.subarray(p, p + len)).toString() === HINTS) return true;
  }
  return false;
}

/**
 * The module with a compilation hints section (V8's `compilationHints` custom section, read under
 * `--experimental-wasm-compilation-hints` with lazy compilation off): the declared functions in
 * `eager` (declared indices, imports not counted) compiled when the module is, by V8's background
 * threads under an asynchronous compile, every other one lazily on its first call, as without
 * the section. One byte per declared function: bits 0–1 the strategy (1 lazy, 2 eager), the tiers
 * (bits 2–5) V8's defaults. V8 reads the section only between the function and the code sections,
 * so it goes right before the code section. Unchanged when the module has no code section.
 */
export function withCompilationHints(bytes: Uint8Array, eager: ReadonlySet<number>): Uint8Array {
  const sections = sectionsOf(bytes);
  const code = sections.find((s) => s.id === 10);
  if (!code || hasCompilationHints(bytes)) return bytes;
  const count = declaredFunctionCount(bytes);
  const name = Buffer.from(HINTS);
  const hints = Buffer.alloc(count, 1);
  for (const i of eager) if (i < count) hints[i] = 2;
  const payload = Buffer.concat([Buffer.from(encLeb(name.length)), name, Buffer.from(encLeb(count)), hints]);
  return Buffer.concat([bytes.subarray(0, code.start), Buffer.from([0, ...encLeb(payload.length)]), payload, bytes.subarray(code.start)]);
}

/** The function names in a module's `name` section (index → name). */
export function functionNames(bytes: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  for (const s of sectionsOf(bytes)) {
    if (s.id !== 0) continue;
    let [len, p] = leb(bytes, s.body);
    if (Buffer.from(bytes.subarray(p, p + len)).toString() !== 'name') continue;
    p += len;
    while (p < s.end) {
      const sub = bytes[p];
      const [size, body] = leb(bytes, p + 1);
      if (sub === 1) {
        let [count, q] = leb(bytes, body);
        for (; count > 0; count--) {
          let index: number;
          [index, q] = leb(bytes, q);
          [len, q] = leb(bytes, q);
          names.set(index, Buffer.from(bytes.subarray(q, q + len)).toString());
          q += len;
        }
      }
      p = body + size;
    }
  }
  return names;
}

/** Bodies that do what C's memset, memcpy and memmove do, with WebAssembly's bulk memory operations. */
const BULK: Record<string, number[]> = {
  // local.get 0, 1, 2; memory.fill; local.get 0 (the destination is returned)
  memset: [0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0b, 0x00, 0x20, 0x00, 0x0b],
  // memory.copy allows the ranges to overlap: memmove's contract, and more than memcpy's
  memcpy: [0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x20, 0x00, 0x0b],
  memmove: [0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0a, 0x00, 0x00, 0x20, 0x00, 0x0b],
};

/**
 * The module with its C library's memset, memcpy and memmove made single bulk memory operations
 * (`memory.fill`, `memory.copy`). ruby.wasm is built without them, so these are byte and word
 * loops, which V8's baseline compiler (Liftoff, all a one-shot command uses) runs slowly: every
 * Fiber Ruby makes (one per call into Ruby) is a zeroed allocation of ~100 KB, about 40 µs of
 * memset each. The functions are found by name in the debug build the package ships beside the
 * module (`debug`), which must have the same functions (its function section is compared), and
 * must have the C signature (three i32 → i32); otherwise the module is returned as it is.
 */
export function bulkMemory(bytes: Uint8Array, debug: Uint8Array): Uint8Array {
  const sections = sectionsOf(bytes);
  const debugSections = sectionsOf(debug);
  const funcs = sections.find((s) => s.id === 3);
  const debugFuncs = debugSections.find((s) => s.id === 3);
  const code = sections.find((s) => s.id === 10);
  const types = sections.find((s) => s.id === 1);
  if (!funcs || !debugFuncs || !code || !types) return bytes;
  if (!sameFunctions(bytes, debug)) return bytes;
  // Imported functions come first in the index space.
  const counts = importCounts(bytes, sections);
  if (!counts) return bytes;
  const importedFuncs = counts.functions;
  // Each type's text, to check the signature: 0x60, params, results.
  const typeText: string[] = [];
  {
    let [n, p] = leb(bytes, types.body);
    for (; n > 0; n--) {
      const start = p;
      if (bytes[p++] !== 0x60) return bytes;
      let c: number;
      [c, p] = leb(bytes, p);
      p += c;
      [c, p] = leb(bytes, p);
      p += c;
      typeText.push(Buffer.from(bytes.subarray(start, p)).toString('hex'));
    }
  }
  const C_SIGNATURE = '60037f7f7f017f';
  const funcType: number[] = [];
  {
    let [n, p] = leb(bytes, funcs.body);
    for (; n > 0; n--) {
      let t: number;
      [t, p] = leb(bytes, p);
      funcType.push(t);
    }
  }
  const replace = new Map<number, number[]>(); // defined function index → new body
  for (const [index, name] of functionNames(debug)) {
    const body = BULK[name];
    if (!body || index < importedFuncs) continue;
    const defined = index - importedFuncs;
    if (typeText[funcType[defined]] !== C_SIGNATURE) return bytes;
    replace.set(defined, body);
  }
  if (replace.size !== Object.keys(BULK).length) return bytes;
  let [count, p] = leb(bytes, code.body);
  const parts: Uint8Array[] = [Buffer.from(encLeb(count))];
  let from = p;
  for (let i = 0; i < count; i++) {
    const [size, body] = leb(bytes, p);
    const next = body + size;
    const bulk = replace.get(i);
    if (bulk) {
      parts.push(bytes.subarray(from, p), Buffer.from([...encLeb(bulk.length), ...bulk]));
      from = next;
    }
    p = next;
  }
  if (p !== code.end) return bytes;
  parts.push(bytes.subarray(from, code.end));
  const section = Buffer.concat(parts);
  return Buffer.concat([bytes.subarray(0, code.start), Buffer.from([10, ...encLeb(section.length)]), section, bytes.subarray(code.end)]);
}

/** The cache key: what the snapshot depends on (the module, the shim, the preopened folders). */
export function snapshotKey(wasm: string, shim: string, preopens: readonly string[]): string {
  return createHash('sha256').update(MAGIC).update('\0').update(wasm).update('\0').update(shim).update('\0').update(preopens.join('\n')).digest('hex');
}


function file(dir: string, key: string): string {
  return join(dir, `ruby-${key.slice(0, 32)}.snapshot`);
}

/** Opens a saved snapshot if there is a sound one for this key (private to this user, complete). */
export function openSnapshot(dir: string, key: string): SavedSnapshot | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file(dir, key), 'r');
    const st = fstatSync(fd);
    const uid = process.getuid?.();
    if ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) throw new Error('not private');
    const length = Buffer.alloc(4);
    readSync(fd, length, 0, 4, 0);
    const headerLength = length.readUInt32LE(0);
    if (headerLength > 2 ** 24) throw new Error('bad header');
    const raw = Buffer.alloc(headerLength);
    readSync(fd, raw, 0, headerLength, 4);
    const header = JSON.parse(raw.toString('utf8')) as { magic: string; key: string; size: number; globals: string[]; pages: number[]; module: number };
    if (header.magic !== MAGIC || header.key !== key) throw new Error('another snapshot');
    const offset = 4 + headerLength;
    if (!(header.module > 0) || st.size !== offset + header.pages.length * PAGE + header.module) throw new Error('incomplete');
    const globals = header.globals.map((g) => (g.endsWith('n') ? BigInt(g.slice(0, -1)) : Number(g)));
    return { fd, size: header.size, globals, pages: header.pages, offset, moduleLength: header.module };
  } catch {
    if (fd !== undefined) closeSync(fd);
    return undefined;
  }
}

/** Writes the snapshot atomically (a private temporary file renamed into place). */
export function writeSnapshot(dir: string, key: string, snap: Snapshot): void {
  const path = file(dir, key);
  const tmp = `${path}.${process.pid}.tmp`;
  const header = Buffer.from(JSON.stringify({ magic: MAGIC, key, size: snap.size, globals: snap.globals.map((g) => (typeof g === 'bigint' ? `${g}n` : String(g))), pages: snap.pages.map((p) => p.index), module: snap.module.length }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, length);
    writeSync(fd, header);
    for (const p of snap.pages) writeSync(fd, p.data);
    writeSync(fd, snap.module);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  pruneSnapshots(dir, path);
}

/** A snapshot not read nor written for this long is removed when another is written. */
export const SNAPSHOT_UNUSED_MS = 7 * 24 * 3600 * 1000;
/** The most snapshots a folder keeps (36 MB each): past it, the least recently used go first. */
export const SNAPSHOTS_KEPT = 12;

/**
 * Removes the folder's other snapshots (36 MB each) that no process has read or written for a
 * week, and beyond the SNAPSHOTS_KEPT most recently used (the one just written counts among
 * them): each Kasper version, shim change and set of preopened folders makes one of its own, and
 * nothing else would ever remove them — a test suite or a master with many environments makes
 * dozens in a day. Read time is the file's access time, which Linux's default (relatime)
 * updates at least daily on read; a snapshot removed while still in use is written again by its
 * next process.
 */
export function pruneSnapshots(dir: string, keep: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const kept: { path: string; used: number }[] = [];
  for (const name of names) {
    if (!/^ruby-[0-9a-f]{32}\.snapshot(\.\d+\.tmp)?$/.test(name)) continue; // (and a crashed writer's temporary file)
    const path = join(dir, name);
    if (path === keep) continue;
    try {
      const st = statSync(path);
      const used = Math.max(st.atimeMs, st.mtimeMs);
      if (now - used > SNAPSHOT_UNUSED_MS) unlinkSync(path);
      else if (!name.endsWith('.tmp')) kept.push({ path, used });
    } catch {
      // gone already, or not ours to remove
    }
  }
  kept.sort((a, b) => b.used - a.used);
  for (const { path } of kept.slice(SNAPSHOTS_KEPT - 1)) {
    try {
      unlinkSync(path);
    } catch {
      // gone already
    }
  }
}
