// Ruby's module compiled early (prestart.ts) for a command line that called into Ruby the last
// time it ran: real processes, a cache folder of their own, Ruby restored from its snapshot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { getHeapStatistics } from 'node:v8';
import { exportGlobals, importedMemory, withImportedMemory, withInitialMemory } from '../src/snapshot.ts';

const index = join(import.meta.dirname, '../src/index.ts');

/** Imports that let a module link without running anything (its functions throw if called). */
function stubImports(module: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.kind !== 'function') continue;
    (imports[i.module] ??= {})[i.name] = () => {
      throw new Error(`${i.module}.${i.name} called`);
    };
  }
  return imports;
}
const prestart = join(import.meta.dirname, '../src/prestart.ts');

test('a command line that called into Ruby has its module compiled and its pages read early the next time; one that stopped does not', () => {
  const cache = mkdtempSync(join(tmpdir(), 'kasper-prestart-'));
  const cwd = mkdtempSync(join(tmpdir(), 'kasper-prestart-cwd-'));
  try {
    const script = `
      const p = await import(${JSON.stringify(prestart)});
      const m = await import(${JSON.stringify(index)});
      await p.startRubyEarly(['compile', 'site', process.env.LINE]);
      await p.rubyStarted();
      if (process.env.USE === '1') {
        const vm = m.loadRubySync();
        const os = await import('node:os');
        const fs = await import('node:fs');
        // The lowest niceness among the other threads (the early start lowers them below the main thread's).
        const others = fs.readdirSync('/proc/self/task').map(Number).filter((t) => t !== process.pid).map((t) => os.getPriority(t));
        if (vm.stats.early !== 'none' && Math.min(...others) < 10) throw new Error('threads not lowered: ' + others.join(' '));
        console.log(JSON.stringify({ early: vm.stats.early, snapshot: vm.stats.snapshot, out: vm.eval('(1..100).sum.to_s + " " + ENV["LINE"] + " " + [1, 2].map { |x| x * 3 }.inspect') }));
      } else console.log(JSON.stringify({ loaded: m.isRubyLoaded() }));`;
    const run = (line: string, use: boolean, env: Record<string, string> = {}) =>
      JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_SNAPSHOT: '1', KASPER_RUBY_EARLY: '', LINE: line, USE: use ? '1' : '0', ...env } }));
    const markers = () => readdirSync(join(cache, 'kasper', 'ruby-early')).filter((f) => !f.startsWith('.'));
    const expected = (line: string) => `5050 ${line} [3, 6]`;

    const first = run('a', true);
    assert.deepEqual(first, { early: 'none', snapshot: 'written', out: expected('a') });
    // The marker: one private file holding the snapshot's key.
    const [marker] = markers();
    const path = join(cache, 'kasper', 'ruby-early', marker);
    assert.match(readFileSync(path, 'utf8'), /^[0-9a-f]{64}$/);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    // The same command line again: compiled and read before Ruby was needed, same answers.
    assert.deepEqual(run('a', true), { early: 'module+pages', snapshot: 'restored', out: expected('a') });
    assert.deepEqual(run('a', true), { early: 'module+pages', snapshot: 'restored', out: expected('a') });
    // Another command line is another marker; it starts Ruby when it needs it.
    assert.deepEqual(run('b', true), { early: 'none', snapshot: 'restored', out: expected('b') });
    assert.equal(markers().length, 2);
    // Not turned on: nothing early.
    assert.deepEqual(run('a', true, { KASPER_RUBY_EARLY: '0' }), { early: 'none', snapshot: 'restored', out: expected('a') });
    // A run of `a` that never calls into Ruby: Ruby is not loaded (its module was compiled
    // early, in vain), and the marker goes, so the run after does not compile it early.
    assert.deepEqual(run('a', false), { loaded: false });
    assert.equal(markers().length, 1);
    assert.deepEqual(run('a', true), { early: 'none', snapshot: 'restored', out: expected('a') });
    assert.deepEqual(run('a', true), { early: 'module+pages', snapshot: 'restored', out: expected('a') });
    // A damaged marker or a snapshot gone: nothing early, the answers the same, the marker mended.
    writeFileSync(path, 'not a key');
    assert.deepEqual(run('a', true), { early: 'none', snapshot: 'restored', out: expected('a') });
    assert.match(readFileSync(path, 'utf8'), /^[0-9a-f]{64}$/);
    for (const f of readdirSync(join(cache, 'kasper')).filter((n) => n.endsWith('.snapshot'))) rmSync(join(cache, 'kasper', f));
    assert.deepEqual(run('a', true), { early: 'none', snapshot: 'written', out: expected('a') });
    assert.deepEqual(run('a', true), { early: 'module+pages', snapshot: 'restored', out: expected('a') });
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});

test("a restored module imports its memory, shared, with the initial size of the memory it had, which keeps its index and export", () => {
  const require = createRequire(import.meta.url);
  const wasm = withInitialMemory(exportGlobals(readFileSync(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm'))).bytes, 1000);
  assert.equal(importedMemory(wasm), undefined);
  const imported = withImportedMemory(wasm);
  assert.ok(WebAssembly.validate(imported));
  const limits = importedMemory(imported);
  const before = new WebAssembly.Module(wasm);
  const after = new WebAssembly.Module(imported);
  assert.equal(limits?.initial, 1000);
  assert.equal(limits?.shared, true);
  assert.ok(limits && limits.maximum >= 1000);
  // Not counted as the isolate's external memory (which made V8 collect its whole heap when a
  // process made Ruby's ~100 MiB): an unshared one of the same size is.
  const external = () => getHeapStatistics().external_memory;
  let x = external();
  const memory = new WebAssembly.Memory(limits!);
  assert.ok(external() - x < 2 ** 20, `external memory grew by ${external() - x}`);
  x = external();
  const unshared = new WebAssembly.Memory({ initial: 1000 });
  assert.ok(external() - x >= 1000 * 65536);
  // It links, and the instance's exported memory is that one.
  const instance = new WebAssembly.Instance(after, { ...stubImports(after), kasper: { memory } });
  assert.equal(instance.exports.memory, memory);
  assert.throws(() => new WebAssembly.Instance(after, { ...stubImports(after), kasper: { memory: unshared } }), { name: 'LinkError' });
  assert.deepEqual(WebAssembly.Module.exports(after), WebAssembly.Module.exports(before));
  assert.deepEqual(WebAssembly.Module.imports(after), [...WebAssembly.Module.imports(before), { module: 'kasper', name: 'memory', kind: 'memory' }]);
  // Once only; a module without a memory of its own is left as it is.
  assert.equal(withImportedMemory(imported), imported);
  const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  assert.equal(withImportedMemory(empty), empty);
});

test("a command line's marker remembers the files it read, for the next run to read ahead while Ruby starts", () => {
  const cache = mkdtempSync(join(tmpdir(), 'kasper-prestart-files-'));
  const cwd = mkdtempSync(join(tmpdir(), 'kasper-prestart-files-cwd-'));
  try {
    const script = `
      const p = await import(${JSON.stringify(prestart)});
      const m = await import(${JSON.stringify(index)});
      await p.startRubyEarly(['compile', 'site']);
      const before = p.filesReadLastTime();
      await p.rubyStarted();
      if (process.env.USE === '1') m.loadRubySync().eval('1');
      p.rememberFilesRead(JSON.parse(process.env.FILES));
      console.log(JSON.stringify(before));`;
    const run = (files: string[], use = true) =>
      JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_SNAPSHOT: '1', KASPER_RUBY_EARLY: '', FILES: JSON.stringify(files), USE: use ? '1' : '0' } }));
    const marker = () => {
      const dir = join(cache, 'kasper', 'ruby-early');
      const [name] = readdirSync(dir).filter((f) => !f.startsWith('.'));
      return join(dir, name);
    };
    assert.deepEqual(run(['/site/a.pp', '/m/b.pp']), []);
    // The snapshot's key, then the files, a line each.
    const lines = readFileSync(marker(), 'utf8').split('\n');
    assert.match(lines[0], /^[0-9a-f]{64}$/);
    assert.deepEqual(lines.slice(1), ['/site/a.pp', '/m/b.pp']);
    // The next run gets them; the same list is not written again; another one is.
    const written = statSync(marker()).mtimeMs;
    assert.deepEqual(run(['/site/a.pp', '/m/b.pp']), ['/site/a.pp', '/m/b.pp']);
    assert.equal(statSync(marker()).mtimeMs, written);
    assert.deepEqual(run(['/site/a.pp']), ['/site/a.pp', '/m/b.pp']);
    assert.deepEqual(readFileSync(marker(), 'utf8').split('\n').slice(1), ['/site/a.pp']);
    // A run that did not call into Ruby remembers nothing (and its marker goes, as before).
    assert.deepEqual(run(['/other.pp'], false), ['/site/a.pp']);
    assert.deepEqual(readdirSync(join(cache, 'kasper', 'ruby-early')).filter((f) => !f.startsWith('.')), []);
  } finally {
    rmSync(cache, { recursive: true, force: true });
    rmSync(cwd, { recursive: true, force: true });
  }
});
