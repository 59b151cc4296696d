// Start-up: every command loads only the subsystems it needs (the command definitions import
// their work lazily), and `kasper --version` loads none of Kasper's TypeScript at all. What a
// process loaded is recorded by test/support/loaded-packages.ts, preloaded into a real `kasper`.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { hasCommand, needs } from '../../../test/support/host.ts';

const bin = fileURLToPath(new URL('../bin/kasper.js', import.meta.url));
const tracer = fileURLToPath(new URL('../../../test/support/loaded-packages.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kasper-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `kasper ...args` and returns what it printed and which packages it loaded. */
function loaded(...args: string[]): { status: number | null; stdout: string; stderr: string; packages: string[]; typescript: string[]; unbundled: Record<string, number>; emitted: string[] } {
  const record = join(dir, 'loaded.json');
  rmSync(record, { force: true });
  const r = spawnSync(process.execPath, ['--import', tracer, bin, ...args], {
    encoding: 'utf8', cwd: dir, env: { ...process.env, KASPER_LOADED_PACKAGES: record },
  });
  const { packages, typescript, unbundled, emitted } = JSON.parse(readFileSync(record, 'utf8')) as { packages: string[]; typescript: string[]; unbundled: Record<string, number>; emitted: string[] };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, packages, typescript, unbundled, emitted };
}

const HEAVY = ['@kasper/language', 'chevrotain', '@kasper/compiler', '@kasper/agent', '@kasper/providers', '@kasper/master', '@kasper/storage', '@kasper/facts', 'execa', 'yaml'];
const none = (packages: string[], of: string[]) => assert.deepEqual(packages.filter((p) => of.includes(p)), [], `loaded: ${packages.join(', ')}`);

test('kasper --version loads nothing of Kasper but its bin script, and no TypeScript', () => {
  const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V']) {
    const r = loaded(flag);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
    assert.deepEqual(r.packages, ['@kasper/cli']);
    assert.deepEqual(r.typescript, []);
  }
});

test('kasper --help loads the command definitions only, no subsystem', () => {
  const r = loaded('--help');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /parser/);
  none(r.packages, HEAVY);
});

test('parser validate loads the parser, not the compiler or the agent (chevrotain only for a file with errors); facts loads neither parser nor compiler nor YAML', () => {
  writeFileSync(join(dir, 'small.pp'), 'notice("hi")\n');
  const p = loaded('parser', 'validate', 'small.pp');
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /1 file checked: all valid/);
  assert.ok(p.packages.includes('@kasper/language'), p.packages.join(', '));
  none(p.packages, HEAVY.filter((x) => x !== '@kasper/language'));
  // A syntax error: chevrotain's parser reports it, with its place.
  writeFileSync(join(dir, 'broken.pp'), 'notice("hi"\n');
  const b = loaded('parser', 'validate', 'broken.pp');
  assert.equal(b.status, 1, b.stderr);
  assert.match(b.stdout, /broken\.pp:2:1: error: Syntax error at end of input/);
  assert.ok(b.packages.includes('@kasper/language') && b.packages.includes('chevrotain'), b.packages.join(', '));

  const f = loaded('facts', 'os');
  assert.equal(f.status, 0, f.stderr);
  assert.ok(f.packages.includes('@kasper/facts'));
  none(f.packages, ['@kasper/language', 'chevrotain', '@kasper/compiler', '@kasper/agent', '@kasper/providers', '@kasper/master', 'yaml', 'execa']);
  // The YAML writer only when YAML is asked for.
  const y = loaded('facts', '--format', 'yaml', 'os');
  assert.equal(y.status, 0, y.stderr);
  assert.match(y.stdout, /^family: /m);
  assert.ok(y.packages.includes('yaml'), y.packages.join(', '));
});

test('a no-change apply loads the compiler and the agent, not the diff library, execa, the master or the eyaml decryption', () => {
  writeFileSync(join(dir, 'noop.pp'), `file { '${join(dir, 'absent')}': ensure => absent }\n`);
  const r = loaded('apply', '--confdir', join(dir, 'etc'), '--vardir', join(dir, 'var'), 'noop.pp');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 changed/);
  assert.ok(r.packages.includes('@kasper/compiler') && r.packages.includes('@kasper/agent'), r.packages.join(', '));
  // (The agent's CRL reader, @kasper/ca/crl, is Node's crypto only: the CA's node-forge stays out.)
  none(r.packages, ['diff', 'execa', '@kasper/master', '@kasper/storage', '@kasper/secrets', 'node-forge']);
});

test('a no-change apply with an installed package reads dpkg\'s status file: no command runs, so execa is not loaded', (t) => {
  if (!needs(t, hasCommand('dpkg-query') && existsSync('/var/lib/dpkg/status'), 'needs dpkg (a Debian host)')) return;
  writeFileSync(join(dir, 'package.pp'), "package { 'dpkg': ensure => installed }\n");
  const r = loaded('apply', '--confdir', join(dir, 'etc'), '--vardir', join(dir, 'var'), 'package.pp');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /0 changed/);
  assert.ok(r.packages.includes('@kasper/providers'), r.packages.join(', '));
  none(r.packages, ['execa']);
});

test('the compile cache lives in the user\'s cache folder, and a folder that cannot be made only means no cache', () => {
  const env = { ...process.env, NODE_COMPILE_CACHE: '' };
  const cache = join(dir, 'cache');
  const r = spawnSync(process.execPath, [bin, 'facts', 'os'], { encoding: 'utf8', env: { ...env, XDG_CACHE_HOME: cache } });
  assert.equal(r.status, 0, r.stderr);
  // One folder per set of V8 flags the command sets (facts: no optimising tiers, a young
  // generation that stays small), and in it one per Node version, holding the compiled modules.
  const flags = 'no-maglev+no-turbofan+semi-space-growth-factor=1';
  assert.deepEqual(readdirSync(join(cache, 'kasper', 'compile-cache')), [flags]);
  const [version] = readdirSync(join(cache, 'kasper', 'compile-cache', flags));
  // (a handful of files: the command runs bundled, dist/bundle)
  assert.ok(readdirSync(join(cache, 'kasper', 'compile-cache', flags, version)).length > 3);
  // A cache "folder" that is a file (as root, permissions cannot stand in for it).
  const blocked = join(dir, 'not-a-folder');
  writeFileSync(blocked, '');
  const b = spawnSync(process.execPath, [bin, 'facts', 'os'], { encoding: 'utf8', env: { ...env, XDG_CACHE_HOME: blocked } });
  assert.equal(b.status, 0, b.stderr);
  assert.equal(b.stdout, r.stdout);
  assert.equal(b.stderr, '');
});

test('compile of a site with a template: the next run compiles Ruby\'s module and reads its snapshot early, with the V8 flags the command started with; same catalog', async () => {
  const site = join(dir, 'erb-site');
  mkdirSync(join(site, 'modules', 'app', 'templates'), { recursive: true });
  mkdirSync(join(site, 'modules', 'app', 'manifests'), { recursive: true });
  mkdirSync(join(site, 'manifests'), { recursive: true });
  writeFileSync(join(site, 'modules', 'app', 'templates', 'conf.erb'), '<% @names.each do |n| -%>\nname=<%= n.upcase %>\n<% end -%>\n');
  writeFileSync(join(site, 'modules', 'app', 'manifests', 'init.pp'), "class app($names = ['a', 'b']) {\n  file { '/etc/app.conf': content => template('app/conf.erb') }\n}\n");
  writeFileSync(join(site, 'manifests', 'site.pp'), 'include app\n');
  const cache = join(dir, 'erb-cache');
  const env = { ...process.env, XDG_CACHE_HOME: cache, KASPER_RUBY_TRACE: '1', KASPER_RUBY_EARLY: '', NODE_COMPILE_CACHE: '' };
  const compile = () => {
    const r = spawnSync(process.execPath, [bin, 'compile', '--node', 'web01', '--modulepath', join(site, 'modules'), join(site, 'manifests')], { encoding: 'utf8', cwd: site, env });
    assert.equal(r.status, 0, r.stderr);
    const stats = /^ruby: (.*)$/m.exec(r.stderr);
    assert.ok(stats, r.stderr);
    return { catalog: r.stdout, early: (JSON.parse(stats[1]) as { early: string }).early };
  };
  const runs = [compile(), compile(), compile()];
  assert.deepEqual(runs.map((r) => r.early), ['none', 'module+pages', 'module+pages']);
  assert.match(runs[0].catalog, /name=A\\nname=B\\n/);
  for (const r of runs) assert.equal(r.catalog, runs[0].catalog);
  // The flags the command sets as it starts are Ruby's, so that its modules' compiled code is
  // cached under one set of flags whether Ruby starts early, late or not at all.
  const { RUBY_WASM_FLAGS } = await import('@kasper/ruby/prestart');
  const text = readFileSync(bin, 'utf8');
  const list = /const rubyWasm = command === 'compile' \? (\[[^\]]*\])/.exec(text);
  assert.ok(list);
  assert.deepEqual(JSON.parse(list[1].replaceAll("'", '"')), RUBY_WASM_FLAGS);
  assert.deepEqual(readdirSync(join(cache, 'kasper', 'compile-cache')), [['--no-turbofan', '--no-lazy', ...RUBY_WASM_FLAGS].map((f) => f.slice(2)).join('+')]);
});

// The emitted JavaScript (packages/*/dist, made by `npm ci` and `npm run build`) is what the
// command runs: no TypeScript source is loaded, so no command pays for Node's type stripper.
const build = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
const packagesDir = fileURLToPath(new URL('../../', import.meta.url));

test('the build emits JavaScript for every package, and commands run it without loading TypeScript', () => {
  const b = spawnSync(process.execPath, [build], { encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
  // Every package's emitted entry point loads, with its imports of other packages linked to
  // their emitted code (not to the TypeScript sources package.json exports name).
  const entries = readdirSync(packagesDir).map((p) => {
    const { exports } = JSON.parse(readFileSync(join(packagesDir, p, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    return join(packagesDir, p, exports['.'].replace(/^\.\/src\/(.*)\.ts$/, 'dist/$1.js'));
  });
  const imports = join(dir, 'import-all.mjs');
  writeFileSync(imports, entries.map((e) => `await import(${JSON.stringify(e)});`).join('\n'));
  const all = spawnSync(process.execPath, ['--import', tracer, imports], {
    encoding: 'utf8', cwd: dir, env: { ...process.env, KASPER_LOADED_PACKAGES: join(dir, 'all.json') },
  });
  assert.equal(all.status, 0, all.stderr);
  const everything = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as { packages: string[]; typescript: string[] };
  assert.deepEqual(everything.typescript, []);
  assert.ok(everything.packages.includes('@kasper/master') && everything.packages.includes('@kasper/ruby'), everything.packages.join(', '));

  writeFileSync(join(dir, 'small.pp'), 'notice("hi")\n');
  writeFileSync(join(dir, 'noop.pp'), `file { '${join(dir, 'absent')}': ensure => absent }\n`);
  for (const args of [['facts', 'os'], ['parser', 'validate', 'small.pp'], ['apply', '--confdir', join(dir, 'etc'), '--vardir', join(dir, 'var'), 'noop.pp']]) {
    const r = loaded(...args);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.typescript, [], `kasper ${args.join(' ')}`);
  }
  // Third-party packages of many small modules are bundled at install into one file each
  // (packages/cli/dist/vendor): a compile with YAML facts loads `yaml` and the command line
  // `commander` from their bundles, not their ~80 modules from node_modules; an apply running a
  // command, execa's bundle instead of its ~150 modules. The facts text is new to the cache of
  // parsed YAML (~/.cache/kasper/yaml); a second compile of it loads no YAML library at all.
  writeFileSync(join(dir, 'site.pp'), "file { '/tmp/kasper-startup-x': ensure => file, content => 'hi' }\n");
  writeFileSync(join(dir, 'facts.yaml'), `os:\n  family: Debian\nrun: ${JSON.stringify(dir)}\n`);
  const c = loaded('compile', '--node', 'n.example', '--facts', 'facts.yaml', 'site.pp');
  assert.equal(c.status, 0, c.stderr);
  assert.ok(c.packages.includes('yaml') && c.packages.includes('commander'), c.packages.join(', '));
  assert.deepEqual(c.unbundled, {});
  const again = loaded('compile', '--node', 'n.example', '--facts', 'facts.yaml', 'site.pp');
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.stdout, c.stdout);
  assert.ok(!again.packages.includes('yaml'), again.packages.join(', '));
  writeFileSync(join(dir, 'exec.pp'), `exec { 'echo': command => '/bin/true', path => ['/bin', '/usr/bin'] }\n`);
  const e = loaded('apply', '--confdir', join(dir, 'etc'), '--vardir', join(dir, 'var'), 'exec.pp');
  assert.equal(e.status, 0, e.stderr);
  assert.ok(e.packages.includes('execa'), e.packages.join(', '));
  assert.deepEqual(e.unbundled, {});
  const y = loaded('facts', '--format', 'yaml', 'os');
  assert.equal(y.status, 0, y.stderr);
  assert.match(y.stdout, /^family: /m);
  assert.deepEqual(y.unbundled, {});
  // The command itself runs bundled (packages/cli/dist/bundle: main.js, a file per lazily
  // required module, shared chunks): none of Kasper's emitted modules is loaded one by one, also
  // where a module is required synchronously — chevrotain's parser for a file with an error, Ruby
  // for a template — so no second copy of a module loads beside its bundled one.
  for (const r of [c, e, y]) assert.deepEqual(r.emitted, []);
  writeFileSync(join(dir, 'broken.pp'), 'notice("hi"\n');
  const broken = loaded('parser', 'validate', 'broken.pp');
  assert.equal(broken.status, 1, broken.stderr);
  assert.match(broken.stdout, /broken\.pp:2:1: error: Syntax error at end of input/);
  assert.deepEqual(broken.emitted, []);
  mkdirSync(join(dir, 'modules', 'm', 'templates'), { recursive: true });
  mkdirSync(join(dir, 'modules', 'm', 'manifests'), { recursive: true });
  writeFileSync(join(dir, 'modules', 'm', 'templates', 't.erb'), '<%= [1, 2].map { |x| x * 2 }.join(",") %> <%= @who %>\n');
  writeFileSync(join(dir, 'modules', 'm', 'manifests', 'init.pp'), "class m($who = 'w') { file { '/tmp/kasper-startup-erb': content => template('m/t.erb') } }\n");
  writeFileSync(join(dir, 'erb.pp'), 'include m\n');
  const t = loaded('compile', '--node', 'n.example', '--modulepath', join(dir, 'modules'), 'erb.pp');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /"content":"2,4 w\\n"/);
  assert.ok(t.packages.includes('@kasper/ruby'), t.packages.join(', '));
  assert.deepEqual(t.emitted, []);
  // KASPER_FROM_SOURCE=1 runs the sources instead (development).
  const src = spawnSync(process.execPath, ['--import', tracer, bin, 'facts', 'os'], {
    encoding: 'utf8', cwd: dir, env: { ...process.env, KASPER_FROM_SOURCE: '1', KASPER_LOADED_PACKAGES: join(dir, 'src.json') },
  });
  assert.equal(src.status, 0, src.stderr);
  assert.ok((JSON.parse(readFileSync(join(dir, 'src.json'), 'utf8')) as { typescript: string[] }).typescript.length > 0);
});
