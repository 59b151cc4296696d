// Exported resources as a master collects them for `Type <<| query |>>`: one PuppetDB resources
// query, in SQL, on both backends (embedded SQLite and a real PostgreSQL server).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Storage } from '../../packages/storage/src/index.ts';
import { exportedResources, pdbFilter } from '../../packages/query/src/exported.ts';
import type { ExportedQuery } from '../../packages/compiler/src/index.ts';
import { needs } from '../support/host.ts';
import { storageBackends } from './backends.ts';
import { CASES, CATALOGS, COLLECTOR } from './exported/cases.ts';

const { backends } = storageBackends();

const res = (type: string, title: string, tags: string[], parameters: Record<string, unknown>, exported = true) =>
  ({ type, title, tags: [type.toLowerCase(), ...tags], exported, file: '/etc/kasper/site.pp', line: 3, parameters });

const eq = (attribute: string, value: string | number | boolean): ExportedQuery => ({ op: '==', attribute, value });
const ne = (attribute: string, value: string | number | boolean): ExportedQuery => ({ op: '!=', attribute, value });

// The translation of Puppet 7's PuppetDB terminus (puppet-terminus-puppetdb, resource/puppetdb.rb:
// type, exported, not the certname, then tag (lowercased), title or ["parameter", name]; != as not).
test('a collector query as PuppetDB AST (what the PuppetDB terminus sends)', () => {
  assert.deepEqual(pdbFilter({ op: 'or', left: { op: 'and', left: eq('tag', 'Web'), right: ne('ip', '1') }, right: eq('title', 80) }),
    ['or', ['and', ['=', 'tag', 'web'], ['not', ['=', ['parameter', 'ip'], '1']]], ['=', 'title', '80']]);
});

for (const b of backends) {
  describe(`exported resources: ${b.name}`, () => {
    test('other active nodes\' exports of one type that the query selects, in SQL', async (t) => {
      const s = b.open();
      if (!needs(t, !('reason' in s), 'reason' in s ? s.reason : '')) return;
      const db = s as Storage;
      await db.init();
      const run = `${b.name}-${Date.now()}`;
      const [a, c, me] = [`a-${run}`, `c-${run}`, `b-${run}`];
      await db.saveCatalog(a, JSON.stringify({ resources: [
        res('Host', `web-${run}`, ['web', 'front'], { ip: '10.0.0.1', host_aliases: ['w', 'www'] }),
        res('Host', `db-${run}`, ['db'], { ip: '10.0.0.9', port: 5432, primary: true }),
        res('Host', `plain-${run}`, ['web'], { ip: '10.0.0.50' }, false),
        res('File', `/etc/a-${run}`, ['web'], { content: 'x' }),
      ] }), 'v1');
      await db.saveCatalog(c, JSON.stringify({ resources: [res('Host', `c-${run}`, ['web'], { ip: '10.0.0.3' })] }), 'v1');
      await db.saveCatalog(me, JSON.stringify({ resources: [res('Host', `me-${run}`, ['web'], { ip: '10.0.0.2' })] }), 'v1');
      const titles = async (q: ExportedQuery | null, type = 'Host') =>
        (await exportedResources(db, me, type, q)).filter((r) => r.title.endsWith(run) || r.title.endsWith(`${run}`)).filter((r) => r.node.endsWith(run)).map((r) => r.title).sort();

      // Every other node's exported Host: not the compiling node's, not a resource that is not exported, not a File.
      assert.deepEqual(await titles(null), [`c-${run}`, `db-${run}`, `web-${run}`]);
      assert.deepEqual(await titles(null, 'File'), [`/etc/a-${run}`]);
      // Tags (case-insensitive, as Puppet's tags), titles, parameters of each JSON type.
      assert.deepEqual(await titles(eq('tag', 'WEB')), [`c-${run}`, `web-${run}`]);
      assert.deepEqual(await titles(eq('title', `db-${run}`)), [`db-${run}`]);
      assert.deepEqual(await titles(eq('ip', '10.0.0.3')), [`c-${run}`]);
      assert.deepEqual(await titles(eq('port', 5432)), [`db-${run}`]);
      assert.deepEqual(await titles(eq('port', '5432')), [], 'a String is not the Integer PuppetDB stored');
      assert.deepEqual(await titles(eq('primary', true)), [`db-${run}`]);
      // and / or / !=.
      assert.deepEqual(await titles({ op: 'and', left: eq('tag', 'web'), right: ne('ip', '10.0.0.3') }), [`web-${run}`]);
      assert.deepEqual(await titles({ op: 'or', left: eq('tag', 'db'), right: eq('tag', 'front') }), [`db-${run}`, `web-${run}`]);
      assert.deepEqual(await titles(ne('ip', '10.0.0.3')), [`db-${run}`, `web-${run}`]);
      const web = (await exportedResources(db, me, 'Host', eq('title', `web-${run}`)))[0];
      assert.deepEqual(web, { node: a, type: 'Host', title: `web-${run}`, tags: ['host', 'web', 'front'], file: '/etc/kasper/site.pp', line: 3, parameters: { ip: '10.0.0.1', host_aliases: ['w', 'www'] } });

      // A deactivated node's exports are collected no more; its next catalog brings them back.
      assert.equal(await db.deactivateNode(a), true);
      assert.deepEqual(await titles(null), [`c-${run}`]);
      await new Promise((r) => setTimeout(r, 5));
      await db.saveCatalog(a, JSON.stringify({ resources: [res('Host', `web-${run}`, ['web'], { ip: '10.0.0.1' })] }), 'v2');
      // Only the latest catalog counts: db-… is gone with v2.
      assert.deepEqual(await titles(null), [`c-${run}`, `web-${run}`]);
      await db.close();
    });
  });
}

// Differential: the same catalogs and collector queries as a real PuppetDB 7 answered them
// (exported/regenerate.sh wrote exported/golden.json).
const golden = JSON.parse(readFileSync(join(import.meta.dirname, 'exported/golden.json'), 'utf8')) as {
  active: Record<string, string[]>; afterDeactivation: Record<string, string[]>;
};

for (const b of backends) {
  test(`exported resources as PuppetDB 7 collects them: ${b.name}`, async (t) => {
    const s = b.open();
    if (!needs(t, !('reason' in s), 'reason' in s ? s.reason : '')) return;
    const db = s as Storage;
    await db.init();
    // A PostgreSQL database may hold an earlier run's nodes: this one's are new again.
    for (const node of Object.keys(CATALOGS)) {
      await db.saveFacts(node, {}, 'production');
      await db.saveCatalog(node, JSON.stringify({ name: node, environment: 'production', resources: CATALOGS[node] }), '1');
    }
    const ask = async () => {
      const out: Record<string, string[]> = {};
      for (const c of CASES) {
        const rows = await exportedResources(db, COLLECTOR, c.type, c.query);
        out[c.name] = rows.filter((r) => r.node in CATALOGS).map((r) => `${r.node} ${r.title}`).sort();
      }
      return out;
    };
    assert.deepEqual(await ask(), golden.active);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(await db.deactivateNode('a.test'), true);
    assert.deepEqual(await ask(), golden.afterDeactivation);
    await db.close();
  });
}
