// Exported resources between nodes, through the master: node A's `@@type` are stored with its
// catalog; node B's `Type <<| query |>>` collects them from the store (never its own from there:
// those come from its current compile); a deactivated node's are collected no more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestCatalog, siteHeaderMaster } from '../../../test/support/master.ts';

const SITE = `
node 'a.test' {
  @@host { 'a.test': ip => '10.0.0.1', host_aliases => ['a', 'alpha'], tag => ['web'] }
  @@host { 'a-db.test': ip => '10.0.0.9', tag => 'db' }
  @@file { '/etc/exported-a': content => 'from a', tag => ['web', 'files'] }
  host { 'a-local.test': ip => '10.0.0.100' }
}
node 'c.test' {
  @@host { 'c.test': ip => '10.0.0.3', tag => 'web' }
  @@host { 'shared.test': ip => '10.0.0.33' }
}
node 'd.test' {
  @@host { 'shared.test': ip => '10.0.0.44' }
}
node 'b.test' {
  $web = 'web'
  Host <<| tag == $web |>>
  File <<| title == '/etc/exported-a' |>> { mode => '0600' }
  Host <<| (tag == 'db' and ip != '10.0.0.1') or host_aliases == 'nothing' |>>
  @@host { 'b.test': ip => '10.0.0.2', tag => 'web' }
  @@host { 'b-only.test': ip => '10.0.0.22', tag => 'elsewhere' }
}
node 'e.test' {
  Host <<| title == 'shared.test' |>>
}
node 'f.test' {
  host { 'c.test': ip => '127.0.0.1' }
  Host <<| title == 'c.test' |>>
}
`;

const site = siteHeaderMaster('kasper-exported-', SITE);

interface Res { type: string; title: string; file?: string; exported?: boolean; parameters?: Record<string, unknown>; tags?: string[] }

async function catalogOf(node: string, kernel = 'Linux'): Promise<{ status: number; resources: Res[]; body: Record<string, unknown> }> {
  const { status, body } = await requestCatalog(site.master, node, kernel);
  return { status, resources: (body.resources as Res[] | undefined) ?? [], body };
}

const refs = (rs: Res[], type: string) => rs.filter((r) => r.type === type).map((r) => r.title).sort();

test('B collects the exports of other nodes that its queries select, with overrides; its own come from its compile', async () => {
  assert.equal((await catalogOf('a.test')).status, 200);
  assert.equal((await catalogOf('c.test')).status, 200);
  const a = await catalogOf('a.test');
  // A applies none of its exports.
  assert.deepEqual(refs(a.resources, 'Host'), ['a-local.test']);

  const b = await catalogOf('b.test');
  assert.equal(b.status, 200, JSON.stringify(b.body));
  // tag == 'web': A's and C's web hosts, and B's own exported one (from this compile);
  // (tag == 'db' and ip != '10.0.0.1') or …: A's db host. Not B's `elsewhere` export, nor A's local host.
  assert.deepEqual(refs(b.resources, 'Host'), ['a-db.test', 'a.test', 'b.test', 'c.test']);
  const host = b.resources.find((r) => r.title === 'a.test')!;
  assert.equal(host.exported, false);
  assert.deepEqual(host.parameters, { ip: '10.0.0.1', host_aliases: ['a', 'alpha'], tag: ['web'] });
  // Made as Puppet makes it from PuppetDB's answer: its own automatic tags and its tag parameter's, no file or line.
  for (const t of ['host', 'a.test', 'web']) assert.ok(host.tags!.includes(t), t);
  assert.equal(host.file, undefined);
  // The override on the collection applies to what was collected.
  const file = b.resources.find((r) => r.type === 'File')!;
  assert.equal(file.title, '/etc/exported-a');
  assert.deepEqual(file.parameters, { content: 'from a', tag: ['files', 'web'], mode: '0600' });
});

test('the same title exported by two nodes is an error naming both; so is one this node declares', async () => {
  assert.equal((await catalogOf('c.test')).status, 200);
  assert.equal((await catalogOf('d.test')).status, 200);
  const e = await catalogOf('e.test');
  assert.equal(e.status, 500);
  assert.equal(e.body.code, 'KSP-RES-025');
  assert.match(String(e.body.message), /Host\[shared\.test\] is exported by node c\.test and by node d\.test/);
  const f = await catalogOf('f.test');
  assert.equal(f.status, 500);
  assert.match(String(f.body.message), /Host\[c\.test\] is exported by this node \(f\.test\) and by node c\.test/);
});

test('a deactivated node\'s exports are no longer collected; a new catalog brings them back', async () => {
  assert.equal((await catalogOf('a.test')).status, 200);
  assert.ok(refs((await catalogOf('b.test')).resources, 'Host').includes('a.test'));
  assert.equal(await site.master.storage.deactivateNode('a.test'), true);
  const b = await catalogOf('b.test');
  assert.deepEqual(refs(b.resources, 'Host'), ['b.test', 'c.test']);
  assert.deepEqual(refs(b.resources, 'File'), []);
  // B's catalog is compiled again each time (not cached): A's next stored facts and catalog
  // reactivate it (new facts here: the same ones within a minute are neither stored nor compiled again).
  await new Promise((r) => setTimeout(r, 5));
  assert.equal((await catalogOf('a.test', 'Linux 6')).status, 200);
  assert.deepEqual(refs((await catalogOf('b.test')).resources, 'Host'), ['a-db.test', 'a.test', 'b.test', 'c.test']);
});
