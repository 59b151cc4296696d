// `kasper run --nodes …`: the short node selection becomes a PuppetDB query on `nodes`, run as
// SQL by @kasper/query on the master's store (SQLite here; the SQL is the one PostgreSQL gets,
// see packages/query/test). Nodes with facts and catalogs as a master stores them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage } from '../../packages/storage/src/index.ts';
import { globToRegex, nodeSelection, nodeSelectionQuery, QueryError, rootSpec, runQuery } from '../../packages/query/src/index.ts';

const cls = (title: string) => ({ type: 'Class', title, tags: ['class'], exported: false, parameters: {} });

test('node selections: name globs, classes, facts, trusted data, and/or/not, PQL', async () => {
  const db = openStorage(join(mkdtempSync(join(tmpdir(), 'kasper-sel-')), 'kasper.db'));
  await db.init();
  const nodes: [string, string, string[], string | number][] = [
    ['web01.example.com', '12', ['Role::Web', 'Base'], 4],
    ['web02.example.com', '11', ['Role::Web', 'Base'], 2],
    ['db01.example.com', '12', ['Role::Db', 'Base'], '8'],
  ];
  for (const [name, major, classes, cpus] of nodes) {
    await db.saveFacts(name, { os: { family: 'Debian', release: { major } }, processors: { count: cpus } }, 'production',
      { trusted: { certname: name, extensions: { pp_role: classes[0].toLowerCase().replace('role::', '') } } });
    await db.saveCatalog(name, JSON.stringify({ resources: classes.map(cls) }), 'v1', { environment: name.startsWith('db') ? 'staging' : 'production' });
  }
  const select = async (q: string) =>
    (JSON.parse((await runQuery({ storage: db }, rootSpec(nodeSelectionQuery(q)))).body) as { certname: string }[]).map((r) => r.certname);
  assert.deepEqual(await select('web*'), ['web01.example.com', 'web02.example.com']);
  assert.deepEqual(await select('*'), ['db01.example.com', 'web01.example.com', 'web02.example.com']);
  assert.deepEqual(await select('name=db01.example.com'), ['db01.example.com']);
  assert.deepEqual(await select('web0[2-9].example.com or db*'), ['db01.example.com', 'web02.example.com']);
  assert.deepEqual(await select('class=Role::Web'), ['web01.example.com', 'web02.example.com']);
  assert.deepEqual(await select('class=role::web'), ['web01.example.com', 'web02.example.com'], 'class names as Puppet capitalizes them');
  assert.deepEqual(await select('class=Role::Web and facts.os.release.major=12'), ['web01.example.com']);
  assert.deepEqual(await select("facts.os.release.major='11'"), ['web02.example.com']);
  // An unquoted number matches the number and the string (Facter's "8", a custom fact's 8).
  assert.deepEqual(await select('facts.processors.count=8 or facts.processors.count=4'), ['db01.example.com', 'web01.example.com']);
  assert.deepEqual(await select('facts.processors.count >= 3'), ['web01.example.com']);
  assert.deepEqual(await select('not class=Role::Web'), ['db01.example.com']);
  assert.deepEqual(await select('class!=Role::Web and (web* or trusted.extensions.pp_role=db)'), ['db01.example.com']);
  assert.deepEqual(await select('environment=staging'), ['db01.example.com']);
  assert.deepEqual(await select('name~^web0[1]'), ['web01.example.com']);
  assert.deepEqual(await select('nodes[certname] { certname ~ "db" }'), ['db01.example.com']);
  assert.deepEqual(await select('inventory { facts.os.release.major = "11" }'), ['web02.example.com']);
  assert.deepEqual(await select('["=", "certname", "web02.example.com"]'), ['web02.example.com']);
  assert.deepEqual(await select('nothing*'), []);
  // Deactivated nodes are not chosen.
  assert.equal(await db.deactivateNode('web02.example.com'), true);
  assert.deepEqual(await select('web*'), ['web01.example.com']);
  await db.close();
});

test('node selections: what is refused, and where', () => {
  assert.equal(globToRegex('web?.example.com'), '^web.\\.example\\.com$');
  assert.equal(globToRegex('plain'), null);
  for (const [q, where] of [['class<3', /a class takes/], ['(web*', /'\(' is not closed/], ['colour=blue', /'colour' is not something nodes are chosen by/],
    ['facts.x > big', /compares numbers/], ['', /no nodes are named/], ["name='x", /does not end/], ['web* and', /ends too early/]] as const) {
    assert.throws(() => nodeSelection(q), (e: Error) => e instanceof QueryError && (e as QueryError).code === 'KSP-QUERY-016' && where.test(e.message), q);
  }
});
