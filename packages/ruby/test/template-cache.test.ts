// Compiled templates kept in the user's cache: a template file compiled in one process is loaded
// from its kept instruction sequence in the next, renders the same, fails at the same line, and
// is never used for another text (a changed template, a damaged entry: compiled again and the
// entry rewritten). Each step runs in a fresh process, as compiles do. Also: Ruby's allocations
// grow the WebAssembly memory in large steps, not page by page (see reserveHeap in vm.ts). Function
// files (lib/puppet/functions, lib/puppet/parser/functions) are kept the same way.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadRubySync } from '../src/index.ts';

const root = mkdtempSync(join(tmpdir(), 'kasper-template-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
const index = join(import.meta.dirname, '../src/index.ts');
const cache = join(root, 'cache');
const template = join(root, 'x.erb');

interface Result {
  out?: string;
  error?: string;
  stats: { hits: number; misses: number; written: number; byName: number };
}

function render(): Result {
  const script = `
    import { readFileSync } from 'node:fs';
    const m = await import(${JSON.stringify(index)});
    const file = ${JSON.stringify(template)};
    const scope = { lookup: (n) => ({ items: ['a', 'b'], name: 'web' })[n], variables: () => ['items', 'name'], callFunction: () => undefined };
    const out = {};
    try {
      out.out = m.renderErb(readFileSync(file, 'utf8'), { file, name: 'mod/x.erb', scope });
    } catch (e) {
      out.error = e.message;
    }
    out.stats = m.templateCacheStats;
    console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_TEMPLATE_CACHE: '' } })) as Result;
}

const entries = () => readdirSync(join(cache, 'kasper/templates')).map((f) => join(cache, 'kasper/templates', f));

test('template files: compiled once, then loaded from the cache; never another text, never a damaged entry', () => {
  // ERB::Util reachable as Util, as in ERB#def_method's methods (constants from ERB's scope).
  writeFileSync(template, "<%# comment -%>\n<% @items.each do |i| -%>\n<%= @name %>:<%= i %> <%= Util.html_escape('<') %>\n<% end -%>\n");
  const expected = 'web:a &lt;\nweb:b &lt;\n';
  assert.deepEqual(render(), { out: expected, stats: { hits: 0, misses: 1, written: 1, byName: 0 } });
  assert.deepEqual(render(), { out: expected, stats: { hits: 1, misses: 0, written: 0, byName: 0 } });
  assert.equal(entries().length, 1);

  writeFileSync(template, '<%= @name.upcase %>\n');
  assert.deepEqual(render(), { out: 'WEB\n', stats: { hits: 0, misses: 1, written: 1, byName: 0 } });
  assert.deepEqual(render(), { out: 'WEB\n', stats: { hits: 1, misses: 0, written: 0, byName: 0 } });
  assert.equal(entries().length, 1, 'the entry is replaced, not added to');

  const [entry] = entries();
  const good = readFileSync(entry, 'utf8');
  for (const bad of ['', 'garbage', good.slice(0, good.length - 10), good.replace(/"iseq":"(.)/, (_m, c) => `"iseq":"${c === 'A' ? 'B' : 'A'}`)]) {
    writeFileSync(entry, bad);
    assert.deepEqual(render(), { out: 'WEB\n', stats: { hits: 0, misses: 1, written: 1, byName: 0 } }, `a damaged entry was used: ${bad.slice(0, 40)}`);
    assert.equal(readFileSync(entry, 'utf8'), good);
  }
});

test('a template loaded from the cache fails at the same line as when compiled', () => {
  writeFileSync(template, 'one\n<% if true -%>\n<%= @nothing.upcase %>\n<% end -%>\n');
  const first = render();
  assert.match(first.error ?? '', /^Failed to parse template mod\/x\.erb:\n {2}Filepath: .*x\.erb\n {2}Line: 3\n {2}Detail: undefined method 'upcase' for nil/);
  assert.equal(first.stats.misses, 1);
  const again = render();
  assert.equal(again.stats.hits, 1);
  assert.equal(again.error, first.error);
});

test("Ruby's allocations grow the memory in large steps, not page by page", () => {
  const vm = loadRubySync();
  vm.eval('1');
  const before = vm.memoryBytes;
  // 8 MiB: the reserve holds it without growing the memory.
  vm.eval("$kasper_test_a = 'a' * (8 << 20); nil");
  assert.equal(vm.memoryBytes, before, 'the memory grew while the reserve should have held the allocation');
  // 40 MiB, more than the reserve: the memory grows, and a new reserve is made after the call…
  vm.eval("$kasper_test_b = 'b' * (40 << 20); nil");
  const grown = vm.memoryBytes;
  assert.ok(grown > before);
  // …which holds the next allocations (kept, so nothing freed makes room instead).
  for (let i = 0; i < 8; i++) vm.eval("($kasper_test_c ||= []) << 'c' * (2 << 20); nil");
  assert.equal(vm.memoryBytes, grown, 'no new reserve was made after the memory grew');
  vm.eval('$kasper_test_a = $kasper_test_b = $kasper_test_c = nil');
});

test('a template file Ruby has is rendered by its name alone; one Ruby has let go is sent again, and a changed text is never taken for it', async () => {
  const { renderErb, templateCacheStats } = await import('../src/index.ts');
  const file = join(root, 'named.erb');
  const items = ['a'];
  const scope = { lookup: (n: string) => ({ items, name: 'web' } as Record<string, unknown>)[n] as never, variables: () => ['items', 'name'], callFunction: () => undefined };
  const text = '<%= @name %>:<%= @items.join(",") %><% @items << "z" %>';
  const before = templateCacheStats.byName;
  assert.equal(renderErb(text, { file, scope }), 'web:a');
  assert.equal(renderErb(text, { file, scope }), 'web:a,z');
  assert.equal(templateCacheStats.byName, before + 1);
  // The template's change to its variable is seen by name too.
  assert.deepEqual(items, ['a', 'z', 'z']);
  // Ruby forgets its compiled templates past a bound: the host's name then finds nothing, and
  // the template goes again, whole.
  loadRubySync().eval('Kasper::Templates.clear; nil');
  assert.equal(renderErb(text, { file, scope }), 'web:a,z,z');
  assert.equal(templateCacheStats.byName, before + 1);
  assert.equal(renderErb('<%= @name.upcase %>', { file, scope }), 'WEB');
  assert.equal(renderErb(text, { file, scope }), 'web:a,z,z,z');
  assert.equal(templateCacheStats.byName, before + 2);
});

const fnFile = join(root, 'lib/puppet/functions/mymod/greet.rb');

function loadFn(): Result {
  const script = `
    import { readFileSync } from 'node:fs';
    const m = await import(${JSON.stringify(index)});
    const file = ${JSON.stringify(fnFile)};
    const host = { lookup: () => undefined, variables: () => [], callFunction: () => undefined, isInstance: () => true };
    const out = {};
    try {
      const fn = m.loadRubyFunction(file, readFileSync(file, 'utf8'));
      out.out = fn.name + ': ' + m.callRubyFunction(fn, ['web'], undefined, host);
    } catch (e) {
      out.error = e.message;
    }
    out.stats = m.functionCacheStats;
    console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_TEMPLATE_CACHE: '' } })) as Result;
}

test('function files: compiled once, then loaded from the cache; never another text, never a damaged entry; errors at the same line', () => {
  mkdirSync(dirname(fnFile), { recursive: true });
  writeFileSync(fnFile, "Puppet::Functions.create_function(:'mymod::greet') do\n  dispatch :greet do\n    param 'String', :name\n  end\n  def greet(name) = \"hello #{name} from #{File.basename(__FILE__)}:#{__LINE__}\"\nend\n");
  const expected = 'mymod::greet: hello web from greet.rb:5';
  assert.deepEqual(loadFn(), { out: expected, stats: { hits: 0, misses: 1, written: 1 } });
  assert.deepEqual(loadFn(), { out: expected, stats: { hits: 1, misses: 0, written: 0 } });
  const fnEntries = () => readdirSync(join(cache, 'kasper/functions')).map((f) => join(cache, 'kasper/functions', f));
  assert.equal(fnEntries().length, 1);

  writeFileSync(fnFile, "Puppet::Functions.create_function(:'mymod::greet') do\n  def greet(name) = name.upcase\nend\n");
  assert.deepEqual(loadFn(), { out: 'mymod::greet: WEB', stats: { hits: 0, misses: 1, written: 1 } });
  assert.deepEqual(loadFn(), { out: 'mymod::greet: WEB', stats: { hits: 1, misses: 0, written: 0 } });
  assert.equal(fnEntries().length, 1, 'the entry is replaced, not added to');

  const [entry] = fnEntries();
  const good = readFileSync(entry, 'utf8');
  for (const bad of ['', 'garbage', good.slice(0, good.length - 10), good.replace(/"iseq":"(.)/, (_m, c) => `"iseq":"${c === 'A' ? 'B' : 'A'}`)]) {
    writeFileSync(entry, bad);
    assert.deepEqual(loadFn(), { out: 'mymod::greet: WEB', stats: { hits: 0, misses: 1, written: 1 } }, `a damaged entry was used: ${bad.slice(0, 40)}`);
    assert.equal(readFileSync(entry, 'utf8'), good);
  }

  // Raised while the file runs: the same file and line, compiled or loaded from the cache.
  writeFileSync(fnFile, "x = 1\n\nraise Puppet::Error, \"broken #{x}\"\n");
  const first = loadFn();
  assert.match(first.error ?? '', /broken 1/);
  assert.match(first.error ?? '', /greet\.rb:3/);
  assert.equal(first.stats.written, 1);
  const again = loadFn();
  assert.equal(again.stats.hits, 1);
  assert.equal(again.error, first.error);

  // A syntax error: nothing kept, the same error each time.
  writeFileSync(fnFile, 'Puppet::Functions.create_function(:x) do\n  def (\nend\n');
  const syntax = loadFn();
  assert.match(syntax.error ?? '', /greet\.rb:2/);
  assert.deepEqual(loadFn(), { error: syntax.error, stats: { hits: 0, misses: 1, written: 0 } });
});
