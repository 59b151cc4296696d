// puppetdb_query in a compile on the master: the answer is what the master's /pdb/query/v4 gives
// for the same query (PQL or AST), read from the store when the node compiles (never from the
// catalog cache, since the store changes); a query the engine refuses fails the compile with its
// reason; without a master there is nothing to ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileCatalog, CompileError, fromData } from '@kasper/compiler';
import { CERTNAME_HEADER, requestCatalog, siteHeaderMaster } from '../../../test/support/master.ts';

const PQL = 'nodes[certname] { order by certname }';
const AST = ['from', 'facts', ['and', ['=', 'name', 'kernel'], ['~', 'certname', '^[ab]']], ['order_by', ['certname']]];
const SITE = `
node 'q.test' {
  notify { 'pql': message => puppetdb_query('${PQL}') }
  notify { 'ast': message => puppetdb_query(${JSON.stringify(AST).replaceAll('"', "'")}) }
}
node 'bad.test' {
  notify { 'bad': message => puppetdb_query('nodes { no_such_field = 1 }') }
}
node default {}
`;

const site = siteHeaderMaster('kasper-pdbquery-', SITE);

async function catalogOf(node: string, kernel = 'Linux') {
  const { status, body } = await requestCatalog(site.master, node, kernel);
  const resources = body.resources as { type: string; title: string; parameters?: Record<string, unknown> }[] | undefined;
  const message = (title: string) => resources?.find((r) => r.type === 'Notify' && r.title === title)?.parameters?.message;
  return { status, body, message };
}

/** What the master's own query API answers (as the master, which may query). */
async function pdb(query: unknown): Promise<unknown> {
  const res = await site.master.app.inject({
    method: 'POST', url: '/pdb/query/v4', payload: JSON.stringify({ query }),
    headers: { [CERTNAME_HEADER]: 'master.test', 'content-type': 'application/json' },
  });
  assert.equal(res.statusCode, 200, res.body);
  return JSON.parse(res.body);
}

test('puppetdb_query answers as /pdb/query/v4 does, PQL and AST, and is asked again on every compile', async () => {
  assert.equal((await catalogOf('a.test')).status, 200);
  assert.equal((await catalogOf('b.test', 'FreeBSD')).status, 200);
  const q = await catalogOf('q.test');
  assert.equal(q.status, 200, JSON.stringify(q.body));
  const nodes = await pdb(PQL);
  assert.deepEqual(q.message('pql'), nodes);
  assert.deepEqual((nodes as { certname: string }[]).map((n) => n.certname), ['a.test', 'b.test', 'q.test']);
  const facts = await pdb(AST);
  assert.deepEqual(q.message('ast'), facts);
  assert.deepEqual((facts as { certname: string; value: string }[]).map((f) => `${f.certname}=${f.value}`), ['a.test=Linux', 'b.test=FreeBSD']);
  // A new node stored since: the next compile of q sees it (its catalog is not cached).
  assert.equal((await catalogOf('c.test')).status, 200);
  const again = await catalogOf('q.test');
  assert.deepEqual((again.message('pql') as { certname: string }[]).map((n) => n.certname), ['a.test', 'b.test', 'c.test', 'q.test']);
});

test('a query the store cannot run fails the compile with its reason, at the call', async () => {
  const r = await catalogOf('bad.test');
  assert.notEqual(r.status, 200);
  const text = JSON.stringify(r.body);
  assert.match(text, /KSP-FUNC-120/);
  assert.match(text, /puppetdb_query: .*no_such_field/);
});

test('without a master (kasper compile, kasper apply) puppetdb_query has nothing to ask', () => {
  const manifest = join(site.work, 'alone.pp');
  writeFileSync(manifest, "notify { 'x': message => puppetdb_query('nodes {}') }\n");
  assert.throws(
    () => compileCatalog({ environment: { name: 'production', manifest, modulepath: [] }, node: 'alone.test', facts: fromData({}) as Map<string, never> }),
    (e: unknown) => e instanceof CompileError && e.code === 'KSP-FUNC-120' && /no PuppetDB to ask here/.test(e.message) && e.location?.line === 1,
  );
});
