import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from './run.ts';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** An environment: environments/production/{manifests,modules,data,hiera.yaml} and facts. */
function site(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kasper-compile-'));
  made.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const env = {
  'environments/production/manifests/site.pp': "node default { include app }\n",
  'environments/production/modules/app/manifests/init.pp':
    "class app(Integer $port = 80) {\n  file { '/etc/app.conf': content => \"port=${port} os=${facts['os']['family']}\\n\" }\n}\n",
  'environments/production/hiera.yaml': 'version: 5\nhierarchy:\n  - name: common\n    path: common.yaml\n',
  'environments/production/data/common.yaml': 'app::port: 8080\nusers: [alice, bob]\n',
  'facts.yaml': 'os:\n  family: Debian\n',
};

test('compile prints the catalog as JSON, with Hiera class parameters and facts', async () => {
  const root = site(env);
  const r = await run('compile', '--node', 'web01', '--environmentpath', join(root, 'environments'), '--facts', join(root, 'facts.yaml'));
  assert.equal(r.code, 0, r.err);
  const catalog = JSON.parse(r.out);
  const file = catalog.resources.find((x: { type: string }) => x.type === 'File');
  assert.equal(file.parameters.content, 'port=8080 os=Debian\n');
  assert.deepEqual(catalog.edges.find((e: { target: string }) => e.target === 'File[/etc/app.conf]'), { source: 'Class[App]', target: 'File[/etc/app.conf]' });
  assert.ok(catalog.classes.includes('app'));
});

test('the same input compiles to the same bytes; changed code gets a new version', async () => {
  const root = site(env);
  const args = ['compile', '--node', 'web01', '--environmentpath', join(root, 'environments'), '--facts', join(root, 'facts.yaml')];
  const a = await run(...args);
  const b = await run(...args);
  assert.equal(a.out, b.out);
  writeFileSync(join(root, 'environments/production/manifests/site.pp'), "node default { include app }\nnotify { 'changed': }\n");
  const c = await run(...args);
  assert.notEqual(JSON.parse(c.out).version, JSON.parse(a.out).version);
});

test('compile prints the node\'s catalog without exported resources, as puppet catalog compile; --exported keeps them', async () => {
  const root = site({ ...env, 'environments/production/manifests/site.pp': "node default { include app }\n@@host { 'web01.example.com': ip => '192.0.2.1' }\n" });
  const args = ['compile', '--node', 'web01', '--environmentpath', join(root, 'environments'), '--facts', join(root, 'facts.yaml')];
  const plain = JSON.parse((await run(...args)).out);
  assert.ok(!plain.resources.some((x: { type: string }) => x.type === 'Host'));
  assert.ok(!plain.edges.some((e: { target: string }) => e.target.startsWith('Host[')));
  const all = JSON.parse((await run(...args, '--exported')).out);
  assert.deepEqual(all.resources.filter((x: { type: string }) => x.type === 'Host').map((x: { exported: boolean }) => x.exported), [true]);
});

test('a compile error names file:line:column, shows the line with a caret, exits 1', async () => {
  const root = site({ ...env, 'environments/production/manifests/site.pp': "node default {\n  include nope\n}\n" });
  const r = await run('compile', '--node', 'web01', '--environmentpath', join(root, 'environments'));
  assert.equal(r.code, 1);
  assert.match(r.err, /site\.pp:2:3: error: Could not find class ::nope for web01 \[KSP-CLASS-001\]/);
  assert.match(r.err, /2 \|   include nope\n {6}\^/);
  assert.equal(r.out, '');
});

test('lookup prints YAML like puppet lookup; --explain shows the search; a missing key exits 1', async () => {
  const root = site(env);
  const base = ['--node', 'web01', '--environmentpath', join(root, 'environments')];
  const scalar = await run('lookup', 'app::port', ...base);
  assert.equal(scalar.out, '--- 8080\n');
  const list = await run('lookup', 'users', ...base, '--render-as', 'json');
  assert.deepEqual(JSON.parse(list.out), ['alice', 'bob']);
  const explained = await run('lookup', 'app::port', ...base, '--explain');
  assert.match(explained.out, /common\.yaml": found 8080/);
  const missing = await run('lookup', 'no::such', ...base);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /no value found for 'no::such'/);
});

test('lookup and compile see one $trusted: %{trusted.hostname} and %{trusted.domain} come from the certname', async () => {
  const root = site({
    ...env,
    'environments/production/hiera.yaml': 'version: 5\nhierarchy:\n  - name: per host\n    path: "hosts/%{trusted.hostname}.%{trusted.domain}.yaml"\n  - name: common\n    path: common.yaml\n',
    'environments/production/data/hosts/web01.example.com.yaml': 'app::port: 9090\n',
    // Facts that disagree with the certname must not be what $trusted shows.
    'facts.yaml': 'os:\n  family: Debian\nhostname: other\ndomain: elsewhere.net\n',
  });
  const base = ['--node', 'web01.example.com', '--environmentpath', join(root, 'environments'), '--facts', join(root, 'facts.yaml')];
  const looked = await run('lookup', 'app::port', ...base);
  assert.equal(looked.out, '--- 9090\n', looked.err);
  const compiled = await run('compile', ...base);
  assert.equal(compiled.code, 0, compiled.err);
  const file = JSON.parse(compiled.out).resources.find((x: { type: string }) => x.type === 'File');
  assert.equal(file.parameters.content, 'port=9090 os=Debian\n');
});

test('compile reads environment.conf as Puppet does: the modulepath it names', async () => {
  const root = site({
    'environments/production/environment.conf': 'modulepath = site\n',
    'environments/production/manifests/site.pp': "include role\n",
    'environments/production/site/role/manifests/init.pp': "class role { notify { 'from site/': } }\n",
  });
  const r = await run('compile', '--node', 'web01', '--environmentpath', join(root, 'environments'));
  assert.equal(r.code, 0, r.err);
  assert.ok(JSON.parse(r.out).resources.some((x: { title: string }) => x.title === 'from site/'));
});

test("compile prints a Deferred as puppet catalog compile does (a String, with Puppet's warning); --render-as rich_data_json keeps it", async () => {
  const root = site({
    'environments/production/manifests/site.pp': "file { '/etc/pw': content => Deferred('unwrap', [Sensitive('s3cret')]) }\n",
  });
  const args = ['compile', '--node', 'web01', '--environmentpath', join(root, 'environments')];
  const content = (text: string) => (JSON.parse(text) as { resources: { title: string; parameters?: { content?: unknown } }[] })
    .resources.find((r) => r.title === '/etc/pw')?.parameters?.content;
  const plain = await run(...args);
  assert.equal(plain.code, 0, plain.err);
  assert.equal(content(plain.out), "Deferred({'name' => 'unwrap', 'arguments' => [Instance of Sensitive[String]]})");
  assert.match(plain.err, /warning: File\[\/etc\/pw\]\['content'\] contains a Deferred value\. It will be converted to the String/);
  const rich = await run(...args, '--render-as', 'rich_data_json');
  assert.equal(rich.code, 0, rich.err);
  assert.deepEqual(content(rich.out), { __ptype: 'Deferred', name: 'unwrap', arguments: [{ __ptype: 'Sensitive', __pvalue: 's3cret' }] });
  assert.equal(rich.err, '');
  const bad = await run(...args, '--render-as', 'yaml');
  assert.notEqual(bad.code, 0);
  assert.match(bad.err, /KSP-CLI-026|unknown --render-as format 'yaml'/);
});
