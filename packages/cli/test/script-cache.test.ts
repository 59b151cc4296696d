// The bundled command runs the language package as a classic script with a V8 code cache made
// after it worked (src/script-cache.ts, scripts/build.mjs): real `kasper` processes, each with a
// cache folder of its own (XDG_CACHE_HOME).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/kasper.js', import.meta.url));
const bundle = fileURLToPath(new URL('../dist/bundle/language.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kasper-script-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `kasper ...args` in `dir` with the cache folder `cache` (and `node` options before the script). */
function kasper(cache: string, args: string[], node: string[] = []) {
  const r = spawnSync(process.execPath, [...node, bin, ...args], {
    encoding: 'utf8', cwd: dir, env: { ...process.env, XDG_CACHE_HOME: cache, NODE_COMPILE_CACHE: '', KASPER_FROM_SOURCE: '' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const caches = (cache: string) => {
  const folder = join(cache, 'kasper', 'script-cache');
  return existsSync(folder) ? readdirSync(folder).sort() : [];
};
const cacheFile = (cache: string, name: string) => join(cache, 'kasper', 'script-cache', name);

test('the language package runs from its classic script, its code cache written after the first run and used by the next', (t) => {
  if (!existsSync(bundle)) {
    t.skip('the command is not bundled here (no esbuild at install)');
    return;
  }
  const cache = join(dir, 'cache-a');
  writeFileSync(join(dir, 'small.pp'), 'notice("hi")\n');
  writeFileSync(join(dir, 'broken.pp'), 'notice("hi"\n');
  const modules = join(dir, 'mods', 'm', 'manifests');
  mkdirSync(modules, { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(modules, `c${i}.pp`), `class m::c${i}($x = ${i}) { if $x > 1 { notify { "n\${x}": } } }\n`);

  const first = kasper(cache, ['parser', 'validate', 'small.pp']);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, '1 file checked: all valid\n');
  // One file: this script text, this Node, the command's V8 flags (bin/kasper.js).
  const [made] = caches(cache);
  assert.match(made, new RegExp(`^language-[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-no-turbofan\\.bin$`));
  const stamp = statSync(cacheFile(cache, made)).mtimeMs;
  // The next run takes it (usable: not written again), with the same answers; a syntax error
  // is still reported by chevrotain's parser, loaded from the script.
  const again = kasper(cache, ['parser', 'validate', 'small.pp']);
  assert.equal(again.stdout, first.stdout);
  assert.equal(statSync(cacheFile(cache, made)).mtimeMs, stamp);
  const broken = kasper(cache, ['parser', 'validate', '--format', 'json', 'broken.pp']);
  assert.equal(broken.status, 1, broken.stderr);
  assert.match(broken.stdout, /"code": "KSP-PARSE-002"/);
  // A folder is a long run: a cache of its own.
  const folder = kasper(cache, ['parser', 'validate', join(dir, 'mods')]);
  assert.equal(folder.status, 0, folder.stderr);
  assert.equal(folder.stdout, '5 files checked: all valid\n');
  assert.deepEqual(caches(cache), [made.replace(/\.bin$/, '-long.bin'), made].sort());

  // A file cut short is not read, and is written again.
  const whole = readFileSync(cacheFile(cache, made));
  writeFileSync(cacheFile(cache, made), whole.subarray(0, whole.length >> 1));
  const short = kasper(cache, ['parser', 'validate', 'small.pp']);
  assert.equal(short.stdout, first.stdout);
  assert.equal(readFileSync(cacheFile(cache, made)).length > whole.length >> 1, true);
  // A cache made under other V8 flags is refused by V8 (the command still answers) and made again.
  const stamped = statSync(cacheFile(cache, made)).mtimeMs;
  const other = kasper(cache, ['parser', 'validate', 'small.pp'], ['--max-lazy']);
  assert.equal(other.stdout, first.stdout);
  assert.notEqual(statSync(cacheFile(cache, made)).mtimeMs, stamped);

  // The compiler shares the script's classes: its parse errors are the language package's, with their place.
  writeFileSync(join(dir, 'bad-site.pp'), "class a {\n  file { '/x' ensure => file }\n}\ninclude a\n");
  const compile = kasper(cache, ['compile', '--node', 'n.example', 'bad-site.pp']);
  assert.equal(compile.status, 1);
  assert.match(compile.stderr, /bad-site\.pp:2:\d+: error: .*\[KSP-PARSE-001\]/);
});

test('a compile whose V8 flags change as it runs (the embedded Ruby starting) writes a code cache the next runs take', (t) => {
  if (!existsSync(bundle)) {
    t.skip('the command is not bundled here (no esbuild at install)');
    return;
  }
  // Ruby sets --no-maglev (and its WebAssembly flags) when it starts, after the language script
  // was compiled: data made at the end of such a run would be refused by the next, which would
  // write it again, run after run. What was made right after compiling is kept instead.
  const cache = join(dir, 'cache-ruby');
  writeFileSync(join(dir, 'erb-site.pp'), "notice(inline_template('<%= 1 + 1 %>'))\n");
  const run = () => kasper(cache, ['compile', '--node', 'n.example', 'erb-site.pp']);
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /notice: 2/);
  const [made] = caches(cache).filter((n) => n.startsWith('language-'));
  assert.ok(made, 'a cache was written');
  const stamp = statSync(cacheFile(cache, made)).mtimeMs;
  for (let i = 0; i < 2; i++) {
    const again = run();
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /notice: 2/);
    assert.equal(statSync(cacheFile(cache, made)).mtimeMs, stamp, `run ${i + 2}: the cache was taken, not written again`);
  }
});

test('no code cache in a cache folder other users could write to', (t) => {
  if (!existsSync(bundle)) {
    t.skip('the command is not bundled here (no esbuild at install)');
    return;
  }
  const cache = join(dir, 'cache-open');
  writeFileSync(join(dir, 'small.pp'), 'notice("hi")\n');
  mkdirSync(join(cache, 'kasper'), { recursive: true });
  chmodSync(join(cache, 'kasper'), 0o777);
  const r = kasper(cache, ['parser', 'validate', 'small.pp']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '1 file checked: all valid\n');
  assert.deepEqual(caches(cache), []);
});
