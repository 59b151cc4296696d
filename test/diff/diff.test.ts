// kasper diff on a control repository made by the test: every kind of difference, every format,
// the JSON schema, grouping, ignores, exit codes and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import type { DiffReport, ParameterChange, ResourceChange } from '../../packages/diff/src/index.ts';
import { openStorage } from '../../packages/storage/src/index.ts';
import { makeFixture, worktrees } from './fixture.ts';

const fx = makeFixture();
process.on('exit', () => rmSync(fx.root, { recursive: true, force: true }));

async function kasper(...args: string[]) {
  const out = captureOutput();
  const code = await main(args, out);
  return { code, out: out.out, err: out.err };
}

async function jsonDiff(...extra: string[]): Promise<{ code: number; report: DiffReport }> {
  const r = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--format', 'json', '--workers', '2', ...extra);
  assert.equal(r.err, '', r.err);
  return { code: r.code, report: JSON.parse(r.out) as DiffReport };
}

const changed = (r: DiffReport, group: number, ref: string): ResourceChange | undefined =>
  r.groups[group].changes.resources.changed.find((c) => c.ref === ref);
const param = (c: ResourceChange | undefined, name: string): ParameterChange | undefined => c?.parameters.find((p) => p.name === name);

test('every kind of difference, grouped, failures first, unchanged nodes summarised', async () => {
  const { code, report } = await jsonDiff('--all-nodes');
  // db1 fails under the new code: that is an error, whatever else changed.
  assert.equal(code, 1);
  assert.deepEqual(report.summary, { nodes: 5, unchanged: 1, changed: 3, failed: 1, brokenByChange: 1 });
  assert.deepEqual(report.unchanged, ['static1']);
  assert.deepEqual(report.groups.map((g) => [g.status, g.nodes]), [['failed', ['db1']], ['changed', ['web1', 'web2']], ['changed', ['app1']]]);
  const failure = report.groups[0].changes.failures;
  assert.equal(failure.length, 1);
  assert.equal(failure[0].side, 'to');
  assert.match(failure[0].message, /db::missing/);
  assert.equal(failure[0].code, 'KSP-CLASS-001', 'the compiler\'s code travels with the failure');
  assert.equal(failure[0].file, 'modules/db/manifests/init.pp');
  assert.equal(failure[0].line, 2);

  const web = report.groups[1].changes;
  assert.deepEqual(web.resources.added.map((a) => a.ref), ['Package[ssh]']);
  assert.equal(web.resources.added[0].file, 'modules/base/manifests/init.pp');
  assert.deepEqual(web.resources.added[0].parameters, { ensure: 'installed' });
  assert.deepEqual(web.resources.removed.map((a) => a.ref), ['Package[telnet]']);
  assert.deepEqual(param(changed(report, 1, 'Package[curl]'), 'ensure'), { name: 'ensure', status: 'changed', from: 'installed', to: 'latest' });
  assert.deepEqual(param(changed(report, 1, 'Service[nginx]'), 'ensure'), { name: 'ensure', status: 'added', to: 'running' });
  // A template's text: a unified diff of the rendered content.
  const motd = changed(report, 1, 'File[/etc/motd]');
  assert.deepEqual(param(motd, 'mode'), { name: 'mode', status: 'changed', from: '0644', to: '0640' });
  assert.match(param(motd, 'content')!.diff!, /^-Managed by Kasper\.$/m);
  assert.match(param(motd, 'content')!.diff!, /^\+Managed by Kasper: changes here are overwritten\.$/m);
  assert.match(param(motd, 'content')!.diff!, /^ Be nice\.$/m);
  // A file in a module, served by puppet:///modules: read from both versions and diffed.
  const issue = param(changed(report, 1, 'File[/etc/issue]'), 'source')!;
  assert.equal(issue.sourceContentChanged, true);
  assert.match(issue.diff!, /^-Debian GNU\/Linux$/m);
  assert.match(issue.diff!, /^\+Debian GNU\/Linux 12$/m);
  // Sensitive values: the change is told, the values are not.
  assert.deepEqual(param(changed(report, 1, 'User[deploy]'), 'password'), { name: 'password', status: 'changed', sensitive: true });
  assert.doesNotMatch(JSON.stringify(report), /secret/);
  assert.deepEqual(changed(report, 1, 'File[/etc/cron.conf]')!.tags, { added: ['cronconf'], removed: ['croncfg'] });
  assert.deepEqual(web.edges.added, [{ source: 'Package[curl]', target: 'Service[cron]', kind: 'before' }]);
  // Containment edges of added and removed resources are told by the resources themselves.
  assert.deepEqual(web.edges.removed, []);
  assert.deepEqual(web.classes, { added: ['monitoring'], removed: ['legacy'] });
  assert.ok(changed(report, 1, 'File[/tmp/scratch]'));
  // app1 has all of that but nginx.
  assert.equal(changed(report, 2, 'Service[nginx]'), undefined);
  assert.deepEqual(report.nodes.map((n) => [n.node, n.status, n.group]), [['app1', 'changed', 2], ['db1', 'failed', 0], ['static1', 'unchanged', null], ['web1', 'changed', 1], ['web2', 'changed', 1]]);
  assert.equal(report.from.ref, 'old');
  assert.match(report.from.resolved, /^[0-9a-f]{40}$/);
  // The worktrees are gone again.
  assert.equal(worktrees(fx.repo), 1);
});

test('the JSON report follows the documented schema', async () => {
  const schema = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/diff-schema.json'), 'utf8'));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  const { report } = await jsonDiff('--all-nodes');
  assert.ok(validate(report), JSON.stringify(validate.errors, null, 2));
  // The schema is not a formality: a report missing a field or with a stray one fails it.
  const broken = structuredClone(report) as unknown as Record<string, unknown>;
  delete broken.summary;
  assert.equal(validate(broken), false);
  assert.equal(validate({ ...report, extra: 1 }), false);
});

test('--ignore, --ignore-param and --ignore-tags leave out what they name', async () => {
  const { code, report } = await jsonDiff('--node', 'web1', 'web2', 'app1', '--ignore', 'file[/tmp/*]', '--ignore', 'Package[telnet]', '--ignore-param', 'File.mode', '--ignore-tags');
  assert.equal(code, 2);
  assert.equal(changed(report, 0, 'File[/tmp/scratch]'), undefined);
  assert.deepEqual(report.groups[0].changes.resources.removed, []);
  assert.equal(param(changed(report, 0, 'File[/etc/motd]'), 'mode'), undefined);
  assert.ok(param(changed(report, 0, 'File[/etc/motd]'), 'content'));
  // The tag change was all there was to cron.conf.
  assert.equal(changed(report, 0, 'File[/etc/cron.conf]'), undefined);
  const bad = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--node', 'web1', '--ignore-param', 'mode');
  assert.equal(bad.code, 1);
  assert.equal(bad.err, "kasper diff: error: --ignore-param 'mode': expected TYPE.param such as 'File.mode' or '*.loglevel' [KSP-DIFF-002]\n");
});

test('no differences: exit 0; a folder works as a REF', async () => {
  const same = await kasper('diff', '--repo', fx.repo, '--from', 'main', '--to', 'main', '--facts', fx.facts, '--node', 'web1', 'static1');
  assert.equal(same.code, 0, same.err);
  assert.match(same.out, /2 nodes: 0 changed, 2 unchanged/);
  // The working tree as the new side, an exported copy of the old commit as the old side.
  const oldCopy = join(fx.root, 'old-copy');
  mkdirSync(oldCopy);
  execFileSync('sh', ['-c', `git -C ${fx.repo} archive old | tar -x -C ${oldCopy}`]);
  const r = await kasper('diff', '--repo', fx.repo, '--from', oldCopy, '--to', '.', '--facts', fx.facts, '--node', 'web1', '--format', 'json');
  assert.equal(r.code, 2, r.err);
  const report = JSON.parse(r.out) as DiffReport;
  assert.equal(report.from.resolved, oldCopy);
  assert.ok(changed(report, 0, 'File[/etc/motd]'));
});

test('a node whose catalog fails only under the old code is a difference, not an error', async () => {
  const r = await kasper('diff', '--repo', fx.repo, '--from', 'main', '--to', 'old', '--facts', fx.facts, '--node', 'db1', '--format', 'json');
  assert.equal(r.code, 2);
  const report = JSON.parse(r.out) as DiffReport;
  assert.equal(report.summary.failed, 1);
  assert.equal(report.summary.brokenByChange, 0);
  assert.equal(report.groups[0].changes.failures[0].side, 'from');
});

test('clear errors: missing facts, a REF that does not exist, nothing to compare', async () => {
  const missing = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--node', 'web1', 'ghost1', 'ghost2');
  assert.equal(missing.code, 1);
  assert.equal(missing.err, `kasper diff: error: no facts for nodes ghost1, ghost2: expected ghost1.json or ghost1.yaml, ghost2.json or ghost2.yaml in ${fx.facts} [KSP-DIFF-007]\n`);
  const badRef = await kasper('diff', '--repo', fx.repo, '--from', 'no-such-branch', '--to', 'main', '--facts', fx.facts, '--node', 'web1');
  assert.equal(badRef.code, 1);
  assert.match(badRef.err, /^kasper diff: error: 'no-such-branch' is neither a folder nor a revision of the git repository .* \[KSP-DIFF-004\]\n$/);
  assert.equal(worktrees(fx.repo), 1);
  const noRepo = await kasper('diff', '--repo', fx.facts, '--from', 'HEAD', '--to', 'HEAD', '--facts', fx.facts, '--node', 'web1');
  assert.equal(noRepo.code, 1);
  assert.match(noRepo.err, /^kasper diff: error: 'HEAD' is not a folder, and .* is not a git repository to look it up in \[KSP-DIFF-003\]\n$/);
  const noNodes = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts);
  assert.equal(noNodes.code, 1);
  assert.equal(noNodes.err, 'kasper diff: error: give --node NAME… or --all-nodes [KSP-CLI-020]\n');
});

test('terminal and markdown formats tell the same changes', async () => {
  const t = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--all-nodes');
  assert.equal(t.code, 1);
  const text = t.out;
  assert.doesNotMatch(text, /\x1b\[/, 'no colors when not on a terminal');
  assert.match(text, /5 nodes: 1 failed to compile, 3 changed, 1 unchanged/);
  assert.match(text, /✗ Group 1, failed to compile — 1 node: db1\n {2}new code: .*db::missing.* \[KSP-CLASS-001\] \(modules\/db\/manifests\/init\.pp:2/);
  assert.match(text, /Group 2, 1 added, 1 removed, \d+ changed, 1 edge change, 2 class changes — 2 nodes: web1, web2/);
  assert.match(text, /^ {2}\+ Package\[ssh\]/m);
  assert.match(text, /^ {2}- Package\[telnet\]/m);
  assert.match(text, /^ {6}ensure: 'installed' → 'latest'$/m);
  assert.match(text, /^ {8}\+Managed by Kasper: changes here are overwritten\.$/m);
  assert.match(text, /^ {6}password: \(sensitive value changed\)$/m);
  assert.match(text, /^ {2}\+ edge Package\[curl\] -> Service\[cron\]$/m);
  assert.match(text, /^ {2}\+ class monitoring$/m);
  assert.match(text, /Unchanged: 1 node \(static1\)/);
  const colored = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--node', 'web1', '--color');
  assert.match(colored.out, /\x1b\[32m {2}\+ Package\[ssh\]\x1b\[0m/);

  const md = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--all-nodes', '--format', 'markdown');
  assert.match(md.out, /^## Catalog diff: `old \([0-9a-f]{10}\)` → `main \([0-9a-f]{10}\)`$/m);
  assert.match(md.out, /^\| group \| nodes \| status \| added \| removed \| changed \| edges \| classes \|$/m);
  assert.match(md.out, /^\| \[1\]\(#group-1\) \| db1 \(1\) \| ❌ failed \|/m);
  assert.match(md.out, /^> ⚠️ The new code fails to compile for 1 node\.$/m);
  assert.match(md.out, /^ {4}```diff\n(.*\n)*? {4}\+Debian GNU\/Linux 12$/m);
  assert.match(md.out, /^- ➕ edge `Package\[curl\] -> Service\[cron\]`$/m);
});

test('--output writes the report whole; html is one self-contained file', async () => {
  const file = join(fx.root, 'report.html');
  const r = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--facts', fx.facts, '--all-nodes', '--format', 'html', '--output', file);
  assert.equal(r.code, 1);
  assert.equal(r.out, '');
  const html = readFileSync(file, 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.doesNotMatch(html, /<script|<link|src=|@import/);
  assert.match(html, /<table id="nodes">/);
  assert.match(html, /<details class="textdiff"><summary>content diff/);
  assert.doesNotMatch(html, /secret/);
});

test('--stored compares the last two catalogs the master stored for a node', async () => {
  const db = join(fx.root, 'stored.db');
  const storage = openStorage(db);
  await storage.init();
  const catalog = (mode: string) => JSON.stringify({
    name: 'web1', version: 1, environment: 'production', tags: [], classes: ['settings'], edges: [],
    resources: [{ type: 'File', title: '/etc/motd', tags: ['file'], exported: false, parameters: { mode } }],
  });
  await storage.saveCatalog('web1', catalog('0644'), '1');
  await storage.saveCatalog('web1', catalog('0600'), '2');
  await storage.close();
  const r = await kasper('diff', '--stored', '--node', 'web1', '--storage', db, '--format', 'json');
  assert.equal(r.code, 2, r.err);
  const report = JSON.parse(r.out) as DiffReport;
  assert.deepEqual(param(changed(report, 0, 'File[/etc/motd]'), 'mode'), { name: 'mode', status: 'changed', from: '0644', to: '0600' });
  assert.equal(report.to.resolved, '2');
  const one = await kasper('diff', '--stored', '--node', 'web2', '--storage', db);
  assert.equal(one.code, 1);
  assert.equal(one.err, 'kasper diff: error: the master stored no catalogs for web2: --stored needs two [KSP-CLI-024]\n');
});

test('without --facts, facts come from what the master stored', async () => {
  const db = join(fx.root, 'facts.db');
  const storage = openStorage(db);
  await storage.init();
  await storage.saveFacts('web1', { networking: { hostname: 'web1' }, os: { family: 'Debian' }, role: 'web' }, 'production');
  await storage.saveFacts('static1', { networking: { hostname: 'static1' }, os: { family: 'Debian' } }, 'production');
  await storage.close();
  const r = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--all-nodes', '--storage', db, '--format', 'json');
  assert.equal(r.code, 2, r.err);
  const report = JSON.parse(r.out) as DiffReport;
  assert.deepEqual(report.groups.map((g) => g.nodes), [['web1']]);
  assert.deepEqual(report.unchanged, ['static1']);
  assert.ok(changed(report, 0, 'Service[nginx]'));
  const missing = await kasper('diff', '--repo', fx.repo, '--from', 'old', '--to', 'main', '--node', 'web1', 'ghost', '--storage', db);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /^kasper diff: error: the master has no stored facts for ghost .*\[KSP-CLI-023\]\n$/);
});


test("--stored-exports: collectors get other nodes' exports from the master's storage; without it, none", async () => {
  const root = join(fx.root, 'exports');
  const code = (collector: string) => {
    const dir = join(root, collector.includes('db') ? 'new' : 'old');
    mkdirSync(join(dir, 'manifests'), { recursive: true });
    writeFileSync(join(dir, 'manifests', 'site.pp'), `@@host { 'b.test': ip => '10.0.0.2', tag => 'web' }\n${collector}\n`);
    return dir;
  };
  const from = code("Host <<| tag == 'web' |>>");
  const to = code("Host <<| tag == 'web' or tag == 'db' |>>");
  mkdirSync(join(root, 'facts'));
  writeFileSync(join(root, 'facts', 'b.test.json'), JSON.stringify({ networking: { hostname: 'b' } }));
  // A real SQLite store, as the master leaves it: a.test's and gone.test's latest catalogs hold
  // exported hosts; gone.test is deactivated, so its exports are collected no more.
  const db = join(root, 'kasper.db');
  const storage = openStorage(db);
  await storage.init();
  const exported = (node: string, hosts: [string, string, string][]) => JSON.stringify({
    name: node, version: 1, environment: 'production', tags: [], classes: [], edges: [],
    resources: hosts.map(([title, ip, tag]) => ({ type: 'Host', title, tags: ['host', tag], exported: true, parameters: { ip } })),
  });
  await storage.saveCatalog('a.test', exported('a.test', [['a.test', '10.0.0.1', 'web'], ['a-db.test', '10.0.0.9', 'db']]), '1');
  await storage.saveCatalog('gone.test', exported('gone.test', [['gone.test', '10.0.0.7', 'db']]), '1');
  await storage.deactivateNode('gone.test');
  await storage.close();
  const diff = (...extra: string[]) => kasper('diff', '--from', from, '--to', to, '--facts', join(root, 'facts'), '--node', 'b.test', '--storage', db, '--format', 'json', '--workers', '1', ...extra);

  // Without the flag nothing is collected from other nodes: only b.test's own export, on both sides.
  const none = await diff();
  assert.equal(none.code, 0, none.err);

  const r = await diff('--stored-exports');
  assert.equal(r.code, 2, r.err);
  const report = JSON.parse(r.out) as DiffReport;
  // Both sides collect a.test's web host; only the new collector selects its db host.
  assert.deepEqual(report.groups[0].changes.resources.added.map((a) => [a.ref, a.parameters]), [['Host[a-db.test]', { ip: '10.0.0.9' }]]);
  assert.deepEqual(report.groups[0].changes.resources.removed, []);
  assert.doesNotMatch(r.out, /gone\.test/);
  // In this thread too (--workers 0): the compiles then run in one worker, which asks this thread.
  const inThread = await diff('--stored-exports', '--workers', '0');
  assert.equal(inThread.code, 2, inThread.err);
  assert.deepEqual((JSON.parse(inThread.out) as DiffReport).groups[0].changes.resources.added.map((a) => a.ref), ['Host[a-db.test]']);

  const both = await kasper('diff', '--stored', '--stored-exports', '--node', 'b.test', '--storage', db);
  assert.equal(both.code, 1);
  assert.match(both.err, /\[KSP-CLI-027\]/);
});

test('--stored-exports also answers puppetdb_query from the storage, as the master does; without it, the call fails', async () => {
  const root = join(fx.root, 'pdbquery');
  const code = (name: string, query: string) => {
    const dir = join(root, name);
    mkdirSync(join(dir, 'manifests'), { recursive: true });
    writeFileSync(join(dir, 'manifests', 'site.pp'), `notify { 'peers': message => puppetdb_query('${query}') }\n`);
    return dir;
  };
  const from = code('old', 'nodes[certname] { certname = "a.test" }');
  const to = code('new', 'nodes[certname] { order by certname }');
  mkdirSync(join(root, 'facts'), { recursive: true });
  writeFileSync(join(root, 'facts', 'b.test.json'), JSON.stringify({ networking: { hostname: 'b' } }));
  const db = join(root, 'kasper.db');
  const storage = openStorage(db);
  await storage.init();
  for (const node of ['a.test', 'c.test']) {
    await storage.saveCatalog(node, JSON.stringify({ name: node, version: 1, environment: 'production', tags: [], classes: [], edges: [], resources: [] }), '1');
  }
  await storage.close();
  const diff = (...extra: string[]) => kasper('diff', '--from', from, '--to', to, '--facts', join(root, 'facts'), '--node', 'b.test', '--storage', db, '--format', 'json', '--workers', '1', ...extra);
  const r = await diff('--stored-exports');
  assert.equal(r.code, 2, r.err);
  const changed = (JSON.parse(r.out) as DiffReport).groups[0].changes.resources.changed;
  assert.deepEqual(changed.map((c) => c.ref), ['Notify[peers]']);
  assert.match(JSON.stringify(changed[0]), /"certname":"c\.test"/);
  // Without the flag there is no store to ask: both sides fail at the call.
  const none = await diff();
  assert.match(none.out, /KSP-FUNC-120/);
});
