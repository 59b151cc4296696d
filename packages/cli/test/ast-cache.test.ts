// The disk cache of parsed manifests as the `kasper` command uses it (run as users run it:
// bin/kasper.js, the bundle when built): `compile` fills and reads ~/.cache/kasper/ast, with the
// same catalog and the same error (file:line:column and caret) as without it; `parser validate`,
// whose job is to parse, never touches it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/kasper.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'kasper-ast-cache-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

/** `kasper …` with its own cache folder (XDG_CACHE_HOME), the AST cache on or off. */
function kasper(cache: 'on' | 'off', ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: join(root, 'cache') };
  delete env.KASPER_AST_CACHE;
  if (cache === 'off') env.KASPER_AST_CACHE = '0';
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root, env });
}
const entries = () => {
  const d = join(root, 'cache', 'kasper', 'ast');
  return existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.ast')) : [];
};

write({
  'manifests/site.pp': "node default {\n  include app\n  app::vhost { 'a': port => 8080 }\n}\n",
  'modules/app/manifests/init.pp': "class app(Integer $port = 80) {\n  file { '/etc/app.conf': content => epp('app/conf.epp', { 'port' => $port }) }\n}\n",
  'modules/app/manifests/vhost.pp': "define app::vhost(Integer $port) {\n  file { \"/etc/app/${title}.conf\": content => \"${port}\\n\" }\n}\n",
  'modules/app/templates/conf.epp': '<%- | Integer $port | -%>\nport=<%= $port %>\n',
  'facts.yaml': 'os:\n  family: Debian\n',
});
const compile = (cache: 'on' | 'off') => kasper(cache, 'compile', '--node', 'web01', '--modulepath', join(root, 'modules'), '--facts', join(root, 'facts.yaml'), join(root, 'manifests'));

test('parser validate parses every file itself: it writes no entry', () => {
  const r = kasper('on', 'parser', 'validate', join(root, 'manifests'), join(root, 'modules'));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(entries(), []);
});

test('compile stores each manifest and template once, then reads them: the same catalog as without the cache', () => {
  const off = compile('off');
  assert.equal(off.status, 0, off.stderr);
  assert.deepEqual(entries(), []);
  const first = compile('on');
  assert.equal(first.status, 0, first.stderr);
  assert.equal(entries().length, 4, 'site.pp, init.pp, vhost.pp, conf.epp');
  const second = compile('on');
  assert.equal(second.status, 0, second.stderr);
  assert.equal(entries().length, 4);
  assert.equal(first.stdout, off.stdout);
  assert.equal(second.stdout, off.stdout);
  // a changed file is parsed again: a new entry, the new catalog
  write({ 'modules/app/manifests/vhost.pp': "define app::vhost(Integer $port) {\n  file { \"/etc/app/${title}.conf\": content => \"port ${port}\\n\" }\n}\n" });
  const changed = compile('on');
  assert.equal(changed.status, 0, changed.stderr);
  assert.equal(entries().length, 5);
  assert.match(changed.stdout, /port 8080\\n/);
  assert.equal(changed.stdout, compile('off').stdout);
});

test('a syntax error is reported with its place and caret the same with the cache warm, and is never stored', () => {
  write({ 'modules/app/manifests/vhost.pp': "define app::vhost(Integer $port) {\n  file { \"/etc/app/${title}.conf\":\n    content => \"${port}\\n\"\n    mode => '0644',\n  }\n}\n" });
  const before = entries().length;
  const off = compile('off');
  const on1 = compile('on');
  const on2 = compile('on');
  assert.notEqual(off.status, 0);
  assert.match(off.stderr, /vhost\.pp:4:5/);
  assert.match(off.stderr, /\^/);
  assert.equal(on1.stderr, off.stderr);
  assert.equal(on2.stderr, off.stderr);
  assert.equal(on2.status, off.status);
  assert.equal(entries().length, before, 'the broken file has no entry');
});
