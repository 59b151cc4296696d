// The VM: loaded only when first needed, synchronously or not, one per process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { getRuby, isRubyLoaded, loadRubySync } from '../src/index.ts';
import { bulkMemory, declaredFunctionCount, exportGlobals, functionNames, hasCompilationHints, importedFunctionCount, pruneSnapshots, SNAPSHOTS_KEPT, withCompilationHints, withInitialMemory, withoutData } from '../src/snapshot.ts';

const index = join(import.meta.dirname, '../src/index.ts');

test('importing @kasper/ruby loads neither the Ruby runtime nor its WebAssembly', () => {
  // In a process of its own, so that nothing else has loaded Ruby already.
  const script = `
    import { createRequire } from 'node:module';
    const m = await import(${JSON.stringify(index)});
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@ruby'));
    console.log(JSON.stringify({ isLoaded: m.isRubyLoaded(), loaded }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.deepEqual(out, { isLoaded: false, loaded: [] });
});

test('the VM loads synchronously on first use, once, and says what it cost', async () => {
  const vm = loadRubySync();
  assert.equal(isRubyLoaded(), true);
  assert.equal(loadRubySync(), vm);
  assert.equal(await getRuby(), vm);
  assert.match(String(vm.eval('RUBY_VERSION')), /^3\.4\./);
  for (const k of ['compileMs', 'startMs', 'shimMs', 'totalMs'] as const) assert.ok(vm.stats[k] >= 0, k);
  assert.ok(vm.stats.rssAfterMiB >= vm.stats.rssBeforeMiB);
});

test('getRuby loads asynchronously when nothing loaded it yet', () => {
  const script = `
    const m = await import(${JSON.stringify(index)});
    const p = m.getRuby();
    console.log(JSON.stringify({ before: m.isRubyLoaded() }));
    const vm = await p;
    console.log(JSON.stringify({ mode: vm.stats.mode, version: vm.eval('RUBY_VERSION'), same: m.loadRubySync() === vm }));`;
  const lines = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines[0].before, false);
  assert.equal(lines[1].mode, 'async');
  assert.match(lines[1].version, /^3\.4\./);
  assert.equal(lines[1].same, true);
});

test('Ruby output never reaches Kasper\'s stdout, and no experimental warning is printed', () => {
  const script = `
    const m = await import(${JSON.stringify(index)});
    m.loadRubySync().eval('puts "from ruby"; $stderr.puts "err from ruby"; STDOUT.write("raw")');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /from ruby\nerr from ruby\nraw/);
  assert.doesNotMatch(r.stderr, /ExperimentalWarning|WASI/);
});

test('a pre-initialised snapshot: written once, then restored, with this process\'s environment and seed', () => {
  const cache = mkdtempSync(join(tmpdir(), 'kasper-ruby-cache-'));
  try {
    const script = `
      const m = await import(${JSON.stringify(index)});
      const vm = m.loadRubySync();
      const scope = { lookup: (n) => n === 'x' ? 'from scope' : undefined, variables: () => ['x'], callFunction: () => undefined };
      console.log(JSON.stringify({ snapshot: vm.stats.snapshot, env: vm.eval('ENV["KASPER_TEST_VALUE"]'), rand: vm.eval('rand(1 << 40)').toString(), lib: vm.eval('require "shellwords"; Shellwords.split("a b c").size').toString(), js: vm.eval('[JS::Undefined.typeof, JS::True == JS.eval("return true"), nil.to_js.to_s, $!.inspect].join(" ")'), gc: vm.eval('s = GC.stat; [s[:old_objects], s[:heap_live_slots]].join(" ")'), erb: m.renderErb('<%= @x %> <%= [1, {"a" => 2.5}] %>', { scope }) }));`;
    const run = (value: string) => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_TEST_VALUE: value, KASPER_RUBY_SNAPSHOT: '1' } }));
    // Other snapshots unused for a week (another version's, another shim's) go when one is written.
    mkdirSync(join(cache, 'kasper'), { recursive: true, mode: 0o700 });
    const stale = join(cache, 'kasper', `ruby-${'a'.repeat(32)}.snapshot`);
    const recent = join(cache, 'kasper', `ruby-${'b'.repeat(32)}.snapshot`);
    const other = join(cache, 'kasper', 'notes.txt');
    for (const f of [stale, recent, other]) writeFileSync(f, 'x', { mode: 0o600 });
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(stale, weekAgo, weekAgo);
    utimesSync(other, weekAgo, weekAgo);
    const first = run('one');
    assert.deepEqual([existsSync(stale), existsSync(recent), existsSync(other)], [false, true, true]);
    rmSync(recent);
    const second = run('two');
    const third = run('three');
    assert.deepEqual([first.snapshot, second.snapshot, third.snapshot], ['written', 'restored', 'restored']);
    assert.deepEqual([first.env, second.env, third.env], ['one', 'two', 'three']);
    assert.notEqual(second.rand, third.rand);
    for (const r of [first, second, third]) assert.equal(r.erb, 'from scope [1, {"a"=>2.5}]');
    // Restored from the snapshot, the module's data segments are left out (the snapshot has their
    // contents): Ruby's standard library, packed in them, still loads.
    for (const r of [first, second, third]) assert.equal(r.lib, '3');
    // The js gem is in the snapshot, its JavaScript values made again in each process; the
    // Kasper::Root the host reached Ruby by is no longer Ruby's error info.
    for (const r of [first, second, third]) assert.equal(r.js, 'undefined true null nil');
    // What the snapshot holds has survived enough collections to be old: a restored Ruby's
    // collections are minor ones that skip it.
    for (const r of [second, third]) {
      const [old, live] = (r.gc as string).split(' ').map(Number);
      assert.ok(old > 0.8 * live, `${old} old objects of ${live}`);
    }
    // A damaged snapshot is not used: Ruby starts again and writes a sound one.
    const file = readdirSync(join(cache, 'kasper')).find((f) => f.endsWith('.snapshot'))!;
    const path = join(cache, 'kasper', file);
    writeFileSync(path, readFileSync(path).subarray(0, 100000));
    assert.equal(run('four').snapshot, 'written');
    assert.equal(run('five').snapshot, 'restored');
    // The snapshot keeps the module a restoring process compiles (after the pages): one that V8
    // refuses is not used either.
    const bytes = readFileSync(path);
    const header = JSON.parse(bytes.subarray(4, 4 + bytes.readUInt32LE(0)).toString('utf8')) as { module: number };
    assert.ok(header.module > 1e6 && header.module < 20e6, `${header.module} bytes of module`);
    bytes.fill(0xff, bytes.length - header.module, bytes.length - header.module + 8);
    writeFileSync(path, bytes, { mode: 0o600 });
    assert.equal(run('five').snapshot, 'written');
    assert.equal(run('five').snapshot, 'restored');
    // Nor is one that others could have written.
    chmodSync(path, 0o666);
    assert.equal(run('six').snapshot, 'written');
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('a module made to start with more memory starts with it; a smaller size or an imported memory leaves it as it is', () => {
  // (module (memory 1) (export "memory" (memory 0)))
  const tiny = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 0]);
  const pages = (bytes: Uint8Array) => (new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports.memory as WebAssembly.Memory).buffer.byteLength / 65536;
  assert.equal(pages(tiny), 1);
  assert.equal(pages(withInitialMemory(tiny, 300)), 300);
  assert.equal(withInitialMemory(withInitialMemory(tiny, 300), 2).length, withInitialMemory(tiny, 300).length);
  assert.equal(pages(withInitialMemory(withInitialMemory(tiny, 300), 2)), 300);
  // (module (import "m" "memory" (memory 1)))
  const imported = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 13, 1, 1, 0x6d, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 0, 1]);
  assert.ok(WebAssembly.validate(imported));
  assert.equal(withInitialMemory(imported, 300), imported);
});

test('the module without its data segments is still a valid module, and much smaller', () => {
  const wasm = readFileSync(createRequire(import.meta.url).resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm'));
  const full = exportGlobals(wasm).bytes;
  const stripped = withoutData(full);
  assert.ok(WebAssembly.validate(stripped));
  assert.ok(stripped.length < full.length - 10 * 2 ** 20, `${stripped.length} of ${full.length} bytes`);
  assert.deepEqual(WebAssembly.Module.exports(new WebAssembly.Module(stripped)), WebAssembly.Module.exports(new WebAssembly.Module(full)));
});

test("the restored module's memset, memcpy and memmove are bulk memory operations, and Ruby runs on them as before", () => {
  const require = createRequire(import.meta.url);
  const wasm = exportGlobals(readFileSync(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm'))).bytes;
  const debug = readFileSync(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby.debug+stdlib.wasm'));
  const names = [...functionNames(debug).values()];
  for (const n of ['memset', 'memcpy', 'memmove']) assert.equal(names.filter((x) => x === n).length, 1, n);
  const bulk = bulkMemory(wasm, debug);
  assert.ok(WebAssembly.validate(bulk));
  // three bodies of a few bytes each instead of the C library's loops
  assert.ok(bulk.length < wasm.length && bulk.length > wasm.length - 4096, `${bulk.length} of ${wasm.length} bytes`);
  assert.ok(Buffer.from(bulk).includes(Buffer.from([0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfc, 0x0b, 0x00, 0x20, 0x00, 0x0b])), 'memory.fill');
  // Names from a build that is not this module's (here: none at all) change nothing.
  assert.equal(bulkMemory(wasm, wasm), wasm);
  // A restored Ruby (the module rewritten) copies, moves (overlapping) and clears memory right.
  const cache = mkdtempSync(join(tmpdir(), 'kasper-bulk-'));
  try {
    const index = join(import.meta.dirname, '../src/index.ts');
    const code = `s = (0...5000).map { |i| (97 + i % 26).chr }.join; s[3, 100] = ''; s.insert(7, 'xyz' * 300); a = (1..3000).to_a; a.shift(17); a.unshift(*(1..40)); h = {}; 2000.times { |i| h[i] = i.to_s * 3 }; f = Fiber.new { Fiber.yield s.bytesize; a.sum }; [s.bytesize, s.sum, s[0, 20], a.size, a.sum, h.values.join.bytesize, f.resume, f.resume, "\\0" * 3, Array.new(5000, 0).sum].inspect`;
    const run = () => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(index)}); const vm = m.loadRubySync(); console.log(JSON.stringify({ snapshot: vm.stats.snapshot, out: vm.eval(${JSON.stringify(code)}) }));`], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_SNAPSHOT: '' } })) as { snapshot: string; out: string };
    const first = run();
    const second = run();
    assert.deepEqual([first.snapshot, second.snapshot], ['written', 'restored']);
    assert.equal(second.out, first.out);
    // The snapshot's module marks the functions a compile runs for compiling with the module.
    const snapshot = readdirSync(join(cache, 'kasper')).find((f) => f.endsWith('.snapshot'))!;
    assert.ok(readFileSync(join(cache, 'kasper', snapshot)).includes('compilationHints'));
    const letters = Array.from({ length: 5000 }, (_x, i) => String.fromCharCode(97 + (i % 26))).join('');
    let js = letters.slice(0, 3) + letters.slice(103);
    js = js.slice(0, 7) + 'xyz'.repeat(300) + js.slice(7);
    const sum = [...Buffer.from(js)].reduce((x, y) => x + y, 0) % 65536;
    const arr = [...Array.from({ length: 40 }, (_x, i) => i + 1), ...Array.from({ length: 2983 }, (_x, i) => i + 18)];
    const total = arr.reduce((x, y) => x + y, 0);
    const hashBytes = Array.from({ length: 2000 }, (_x, i) => String(i).length * 3).reduce((x, y) => x + y, 0);
    assert.equal(second.out, `[${js.length}, ${sum}, "${js.slice(0, 20)}", ${arr.length}, ${total}, ${hashBytes}, ${js.length}, ${total}, "\\u0000\\u0000\\u0000", 0]`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('compilation hints: the functions hot-functions.txt names compiled with the module, the others on first call', () => {
  const require = createRequire(import.meta.url);
  const wasm = exportGlobals(readFileSync(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby+stdlib.wasm'))).bytes;
  const debug = readFileSync(require.resolve('@ruby/3.4-wasm-wasi/dist/ruby.debug+stdlib.wasm'));
  // The list fits the package's Ruby (after an upgrade: npx node packages/ruby/scripts/hot-functions.ts).
  const hot = readFileSync(join(import.meta.dirname, '../src/hot-functions.txt'), 'utf8').split('\n').filter(Boolean);
  const names = new Map([...functionNames(debug)].map(([i, n]) => [n, i]));
  const missing = hot.filter((n) => !names.has(n));
  assert.deepEqual(missing, [], 'names not in this Ruby');
  assert.ok(hot.length > 500 && hot.length < 3000, `${hot.length} functions`);
  const imported = importedFunctionCount(debug);
  const eager = new Set(hot.map((n) => names.get(n)! - imported));
  assert.ok(!hasCompilationHints(wasm));
  const hinted = withCompilationHints(wasm, eager);
  assert.ok(hasCompilationHints(hinted));
  assert.ok(WebAssembly.validate(hinted));
  // One byte a declared function, right before the code section: 2 (eager) or 1 (lazy).
  const count = declaredFunctionCount(wasm);
  assert.equal(hinted.length - wasm.length, 1 + 3 + 1 + 'compilationHints'.length + 3 + count);
  const at = Buffer.from(hinted).indexOf('compilationHints') + 'compilationHints'.length + 3;
  const bytes = hinted.subarray(at, at + count);
  assert.equal(bytes.filter((b) => b === 2).length, eager.size);
  assert.equal(bytes.filter((b) => b === 1).length, count - eager.size);
  assert.equal(hinted[at + count], 10, 'the code section follows');
  // Added once; a module without a code section is left as it is.
  assert.equal(withCompilationHints(hinted, eager), hinted);
  const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  assert.equal(withCompilationHints(empty, eager), empty);
});

test('Ruby reads the host\'s files under /usr, which the WebAssembly Ruby\'s own /usr/local/lib/ruby would hide', () => {
  const vm = loadRubySync();
  assert.deepEqual(vm.eval("Dir.children('/usr/share').sort"), readdirSync('/usr/share').sort());
  const file = readdirSync('/usr/share/doc').map((d) => `/usr/share/doc/${d}/copyright`).find((f) => statSync(f, { throwIfNoEntry: false })?.isFile());
  assert.ok(file, 'a Debian system has copyright files');
  assert.equal(vm.eval(`File.read(${JSON.stringify(file)})`), readFileSync(file!, 'utf8'));
  // and Ruby's own standard library is still there
  assert.equal(vm.eval("require 'set'; require 'yaml'; YAML.dump([1])"), '---\n- 1\n');
});

test('writing a snapshot keeps at most SNAPSHOTS_KEPT of them, the most recently used, and drops those unused for a week', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-ruby-prune-'));
  try {
    const now = Date.now();
    const name = (i: number) => join(dir, `ruby-${i.toString(16).padStart(32, '0')}.snapshot`);
    // 20 snapshots used an hour apart (0 the most recent), one of them a week and a day ago,
    // a crashed writer's temporary file, and a file that is not a snapshot.
    for (let i = 0; i < 20; i++) {
      writeFileSync(name(i), 'x');
      const used = new Date(now - (i === 5 ? 8 * 24 : i) * 3600 * 1000);
      utimesSync(name(i), used, used);
    }
    const other = join(dir, 'notes.txt');
    writeFileSync(other, 'x');
    const written = name(99);
    writeFileSync(written, 'x');
    pruneSnapshots(dir, written, now);
    const left = readdirSync(dir).sort();
    assert.equal(left.length, SNAPSHOTS_KEPT + 1, left.join(' '));
    assert.ok(existsSync(written) && existsSync(other));
    // The one written and the SNAPSHOTS_KEPT - 1 most recently used of the others stay.
    const expected = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11].slice(0, SNAPSHOTS_KEPT - 1).map(name);
    for (const f of expected) assert.ok(existsSync(f), f);
    assert.equal(existsSync(name(5)), false);
    assert.equal(existsSync(name(12)), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('calls run in kept fibers, but never again in one in which anything was raised (rescued or not)', () => {
  const vm = loadRubySync();
  const fiber = () => String(vm.eval('Fiber.current.object_id'));
  const first = fiber();
  assert.equal(fiber(), first, 'a clean call leaves its fiber for the next');
  // A call that fails: its fiber is dropped.
  assert.throws(() => vm.eval('raise ArgumentError, "boom"'), /boom/);
  const second = fiber();
  assert.notEqual(second, first);
  assert.equal(fiber(), second);
  // A raise rescued inside the call taints its fiber as well.
  const rescuing = String(vm.eval('begin; Integer("x"); rescue ArgumentError; end; Fiber.current.object_id'));
  assert.equal(rescuing, second);
  assert.notEqual(fiber(), second);
  // Many calls, failing and not, with collections between them, keep Ruby sound.
  for (let i = 0; i < 200; i++) {
    if (i % 3 === 0) assert.throws(() => vm.eval(`a = Array.new(50) { |j| "x#{j}" }; raise "n#{a.size}"`));
    else vm.eval(`h = {}; 100.times { |k| h["k#{k}"] = [k] }; GC.start if ${i} % 10 == 1; h.size`);
  }
  assert.equal(vm.eval('(1..10).sum'), 55n);
});
