// The type-metadata cache: a type loaded once is answered from the user's cache in later
// processes without starting Ruby, and never with a stale or damaged answer (a changed type file,
// a changed file it requires, a corrupt entry: each loads the type in Ruby again and rewrites
// the entry). Each step runs in a fresh process, as compiles do.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = mkdtempSync(join(tmpdir(), 'kasper-type-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
const index = join(import.meta.dirname, '../src/index.ts');
const cache = join(root, 'cache');
const modules = join(root, 'modules');
const typeFile = join(modules, 'app/lib/puppet/type/app_thing.rb');
const helper = join(modules, 'app/lib/puppet_x/app/names.rb');

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

interface Result {
  parameters?: string[];
  properties?: string[];
  namevars?: string[];
  error?: string;
  ruby: boolean;
  stats: { hits: number; misses: number; written: number };
}

/** Loads a type in a fresh process through the cache: what it gave, whether Ruby started. */
function load(file = typeFile): Result {
  const script = `
    import { readFileSync } from 'node:fs';
    const m = await import(${JSON.stringify(index)});
    const file = ${JSON.stringify(file)};
    const out = {};
    try {
      const t = m.loadRubyTypeCached(readFileSync(file, 'utf8'), file, { libDirs: [${JSON.stringify(join(modules, 'app/lib'))}] });
      Object.assign(out, { parameters: t.parameters, properties: t.properties, namevars: t.namevars });
    } catch (e) {
      out.error = e.constructor.name + ': ' + e.message;
    }
    out.ruby = m.isRubyLoaded();
    out.stats = m.typeCacheStats;
    console.log(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_TYPE_CACHE: '' } })) as Result;
}

const entries = () => readdirSync(join(cache, 'kasper/types')).map((f) => join(cache, 'kasper/types', f));

const TYPE = (extra: string) => `require 'puppet_x/app/names'
Puppet::Type.newtype(:app_thing) do
  ensurable
  newparam(:name, namevar: true)
  newproperty(PuppetX::App::NAMES.first.to_sym)
${extra}end
`;

// One test, in order: each step starts from the cache the one before left.
test('type metadata: loaded once, then from the cache without Ruby; never stale or damaged', () => {
  put(helper, "module PuppetX; module App; NAMES = ['colour'].freeze; end; end\n");
  put(typeFile, TYPE(''));

  const first = load();
  assert.deepEqual(first.parameters, ['name']);
  assert.deepEqual(first.properties, ['ensure', 'colour']);
  assert.equal(first.ruby, true);
  assert.deepEqual(first.stats, { hits: 0, misses: 1, written: 1 });
  assert.equal(entries().length, 1);

  const cached = load();
  assert.equal(cached.ruby, false, 'a cached type started Ruby');
  assert.deepEqual({ ...cached, ruby: true, stats: first.stats }, first);
  assert.deepEqual(cached.stats, { hits: 1, misses: 0, written: 0 });

  // The type file changes: its new metadata, not the cached one.
  put(typeFile, TYPE('  newparam(:size)\n'));
  const changed = load();
  assert.deepEqual(changed.parameters, ['name', 'size']);
  assert.equal(changed.ruby, true);
  assert.deepEqual(load().parameters, ['name', 'size']);
  assert.equal(entries().length, 1, 'the entry is replaced, not added to');

  // A file the type requires changes: loaded again.
  put(helper, "module PuppetX; module App; NAMES = ['shade'].freeze; end; end\n");
  const required = load();
  assert.deepEqual(required.properties, ['ensure', 'shade']);
  assert.equal(required.ruby, true);
  assert.equal(load().ruby, false);

  // A damaged entry (cut short, not JSON, one character changed) is ignored and written again.
  const [entry] = entries();
  const good = readFileSync(entry, 'utf8');
  for (const bad of [good.slice(0, good.length / 2), 'garbage', good.replace('"shade"', '"shadz"'), good.replace('shade', 'other')]) {
    writeFileSync(entry, bad);
    const r = load();
    assert.deepEqual(r.properties, ['ensure', 'shade'], `a damaged entry was believed: ${bad.slice(0, 60)}`);
    assert.equal(r.ruby, true);
    assert.equal(r.stats.written, 1);
    assert.equal(readFileSync(entry, 'utf8'), good, 'the damaged entry was not written again');
  }
  assert.equal(load().ruby, false);
});

test('a type that fails to load fails the same way from the cache; one that logs is not kept', () => {
  const broken = join(modules, 'app/lib/puppet/type/app_broken.rb');
  put(broken, "Puppet::Type.newtype(:app_broken) do\n  newparam(:name, namevar: true)\n  no_such_method_here\nend\n");
  const first = load(broken);
  assert.match(first.error ?? '', /^RubyError: NameError: .*no_such_method_here.*app_broken\.rb:3/);
  const again = load(broken);
  assert.equal(again.error, first.error);
  assert.equal(again.ruby, false);

  const noisy = join(modules, 'app/lib/puppet/type/app_noisy.rb');
  put(noisy, "Puppet.warning('loading app_noisy')\nPuppet::Type.newtype(:app_noisy) do\n  newparam(:name, namevar: true)\nend\n");
  assert.equal(load(noisy).stats.written, 0);
  const r = load(noisy);
  assert.equal(r.ruby, true, 'a type whose loading logs must run again (its message is part of the answer)');
  assert.deepEqual(r.parameters, ['name']);
});

test('the cache folder stays bounded: past its limit, the oldest entries go', () => {
  const folder = join(cache, 'kasper/types');
  const kept = new Set(readdirSync(folder));
  // Entries of types long gone (code deployed elsewhere since): old, and more than the limit.
  for (let i = 0; i < 2100; i++) {
    const f = join(folder, `old-${i}.json`);
    writeFileSync(f, 'x');
    utimesSync(f, 1e9, 1e9);
  }
  for (const f of kept) utimesSync(join(folder, f), 2e9, 2e9);
  const fresh = join(modules, 'app/lib/puppet/type/app_fresh.rb');
  put(fresh, "Puppet::Type.newtype(:app_fresh) do\n  newparam(:name, namevar: true)\nend\n");
  assert.equal(load(fresh).stats.written, 1);
  const after = readdirSync(folder);
  assert.equal(after.length, 1000 + 1, 'pruned to half the limit before the new entry');
  for (const f of kept) assert.ok(after.includes(f), `a recent entry was removed: ${f}`);
  assert.equal(load(fresh).ruby, false, 'the new entry was not kept');
});
