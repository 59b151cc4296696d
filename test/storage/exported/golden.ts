// Asks a running PuppetDB (regenerate.sh starts one) what node b.test's collectors would
// collect: stores CATALOGS with `replace catalog` commands, then sends each case's query as
// Puppet 7's PuppetDB terminus builds it; then deactivates a.test and asks again.
// Writes golden.json beside this file.
//   npx node test/storage/exported/golden.ts PORT
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pdbFilter } from '../../../packages/query/src/exported.ts';
import { CASES, CATALOGS, COLLECTOR } from './cases.ts';

const base = `http://127.0.0.1:${process.argv[2]}`;
const when = '2026-01-01T00:00:00.000Z';

async function command(name: string, version: number, certname: string, payload: unknown): Promise<void> {
  const r = await fetch(`${base}/pdb/cmd/v1?command=${name}&version=${version}&certname=${certname}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload),
  });
  if (!r.ok) throw new Error(`${name}: ${r.status} ${await r.text()}`);
}

async function query(entity: string, q: unknown): Promise<unknown[]> {
  const r = await fetch(`${base}/pdb/query/v4/${entity}?query=${encodeURIComponent(JSON.stringify(q))}`);
  if (!r.ok) throw new Error(`${entity}: ${r.status} ${await r.text()}`);
  return (await r.json()) as unknown[];
}

async function until(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('PuppetDB did not process the commands');
}

for (const [certname, resources] of Object.entries(CATALOGS)) {
  await command('replace_catalog', 9, certname, {
    certname, version: '1', environment: 'production', transaction_uuid: null, catalog_uuid: null, code_id: null, job_id: null,
    producer_timestamp: when, producer: 'master.test', resources, edges: [],
  });
}
await until(async () => (await query('catalogs', ['extract', ['certname']])).length === Object.keys(CATALOGS).length);

const ask = async () => {
  const out: Record<string, string[]> = {};
  for (const c of CASES) {
    const filter: unknown[] = ['and', ['=', 'type', c.type], ['=', 'exported', true], ['not', ['=', 'certname', COLLECTOR]]];
    if (c.query) filter.push(pdbFilter(c.query));
    const rows = (await query('resources', filter)) as { certname: string; title: string }[];
    out[c.name] = rows.map((r) => `${r.certname} ${r.title}`).sort();
  }
  return out;
};
const active = await ask();
await command('deactivate_node', 3, 'a.test', { certname: 'a.test', producer_timestamp: '2026-01-01T00:00:01.000Z' });
await until(async () => (await query('nodes', ['=', 'certname', 'a.test'])).length === 0);
const afterDeactivation = await ask();
writeFileSync(join(import.meta.dirname, 'golden.json'), `${JSON.stringify({ puppetdb: (await (await fetch(`${base}/pdb/meta/v1/version`)).json()), active, afterDeactivation }, null, 2)}\n`);
console.log('wrote golden.json');
