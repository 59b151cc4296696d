// Exported resources benchmark: NODES nodes each with a stored catalog exporting PER hosts
// (default 1,000 × 10 = 10,000), then one node's compile through the master that collects all of
// them (`Host <<| tag == 'fleet' |>>`). Goal (issue 16): < 1 s with 10,000 collected resources.
//
//   npx node test/bench/exported.bench.ts [NODES] [PER] [sqlite|postgres]
//
// postgres starts a PostgreSQL server of its own (needs root); sqlite is the default.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildMaster } from '../../packages/master/src/index.ts';
import { compileCatalog, environmentFromFolder } from '../../packages/compiler/src/index.ts';
import { stringifyCatalog } from '../../packages/catalog/src/index.ts';
import { exportedResources } from '../../packages/query/src/index.ts';
import { startPostgres } from '../support/postgres.ts';

const nodes = Number(process.argv[2] ?? 1000);
const per = Number(process.argv[3] ?? 10);
const backend = process.argv[4] ?? 'sqlite';
const work = mkdtempSync(join(tmpdir(), 'kasper-exported-bench-'));
let pg: ReturnType<typeof startPostgres> | undefined;
try {
  let storage: string | undefined;
  if (backend === 'postgres') {
    pg = startPostgres();
    if (!('url' in pg)) throw new Error(pg.reason);
    storage = pg.url;
  }
  mkdirSync(join(work, 'envs/production/manifests'), { recursive: true });
  writeFileSync(join(work, 'envs/production/manifests/site.pp'), "node 'collector.bench' { Host <<| tag == 'fleet' |>> }\nnode default {}\n");
  const master = await buildMaster({
    confdir: join(work, 'conf'), vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: 'master.bench',
    dnsAltNames: [], environmentpath: join(work, 'envs'), basemodulepath: [], compileWorkers: 1, storage,
  }, {
    identify: (req) => ({ certname: String(req.headers['x-test-certname']), fingerprint: 'x', der: new X509Certificate(master.ca!.certificatePem('master.bench')!).raw }),
  });
  let t = performance.now();
  for (let n = 0; n < nodes; n++) {
    const resources = Array.from({ length: per }, (_x, i) => ({
      type: 'Host', title: `h${i}.node${n}.bench`, tags: ['host', 'fleet'], exported: true,
      parameters: { ip: `10.${n >> 8}.${n & 255}.${i}`, host_aliases: [`h${i}-${n}`], tag: 'fleet' },
    }));
    await master.storage.saveCatalog(`node${n}.bench`, JSON.stringify({ name: `node${n}.bench`, environment: 'production', resources }), 'v1');
  }
  console.log(`${backend}: stored ${nodes} catalogs × ${per} exported hosts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  // Where a request's time goes: storing the collector's own (large) catalog is part of it.
  const save = master.storage.saveCatalog.bind(master.storage);
  let saving = 0;
  master.storage.saveCatalog = async (...args: Parameters<typeof save>) => {
    const s = performance.now();
    const id = await save(...args);
    saving += performance.now() - s;
    return id;
  };
  const times: number[] = [];
  // CPU time of this process (the master's thread and its compile worker): on a machine shared
  // with other work the wall time stretches, this much less. (PostgreSQL's own is not in it.)
  const cpu: number[] = [];
  for (let i = 0; i < 6; i++) {
    t = performance.now();
    const c0 = process.cpuUsage();
    const res = await master.app.inject({
      method: 'POST', url: '/puppet/v3/catalog/collector.bench', payload: `{"facts":{"values":{"run":${i}}}}`,
      headers: { 'x-test-certname': 'collector.bench', 'content-type': 'application/json' },
    });
    times.push(performance.now() - t);
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1000);
    const count = (JSON.parse(res.body).resources as { type: string }[]).filter((r) => r.type === 'Host').length;
    if (count !== nodes * per) throw new Error(`collected ${count}, not ${nodes * per}: ${res.body.slice(0, 300)}`);
  }
  // Where the time goes, each part alone (medians of five, warm): the store's query, the
  // compile with the answer in hand, the two serialisations and the gzip, storing the catalog.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const timed = async (fn: () => unknown) => {
    const ts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await fn();
      ts.push(performance.now() - s);
    }
    return median(ts);
  };
  const query = { op: '==', attribute: 'tag', value: 'fleet' } as const;
  let found: Awaited<ReturnType<typeof exportedResources>> = [];
  const queryMs = await timed(async () => (found = await exportedResources(master.storage, 'collector.bench', 'Host', query)));
  const env = environmentFromFolder(join(work, 'envs/production'), 'production', { basemodulepath: [] });
  let catalog = compileCatalog({ environment: env, node: 'collector.bench', facts: new Map(), collectExported: () => found });
  const compileMs = await timed(() => (catalog = compileCatalog({ environment: env, node: 'collector.bench', facts: new Map(), collectExported: () => found })));
  let text = '';
  const jsonMs = await timed(() => (text = stringifyCatalog(catalog.agentView(), 0)) && stringifyCatalog(catalog, 0));
  const gzipMs = await timed(() => gzipSync(text, { level: 6 }));
  const stored = stringifyCatalog(catalog, 0);
  let n = 0;
  const storeMs = await timed(() => save('collector.bench', stored, `v${n++}`));
  console.log(`${backend}: parts, each alone: store query ${queryMs.toFixed(0)} ms; compile ${compileMs.toFixed(0)} ms; catalog JSON (agent's and stored) ${jsonMs.toFixed(0)} ms; gzip ${gzipMs.toFixed(0)} ms; storing the catalog ${storeMs.toFixed(0)} ms`);
  const warm = times.slice(1).sort((a, b) => a - b);
  console.log(`${backend}: a catalog request collecting ${nodes * per} exported hosts: first ${times[0].toFixed(0)} ms, warm median ${warm[Math.floor(warm.length / 2)].toFixed(0)} ms, max ${warm.at(-1)!.toFixed(0)} ms; `
    + `of which storing the collector's catalog ${(saving / times.length).toFixed(0)} ms on average; CPU time of the master's process per warm request, median ${median(cpu.slice(1)).toFixed(0)} ms`);
  await master.close();
} finally {
  if (pg && 'stop' in pg) pg.stop();
  rmSync(work, { recursive: true, force: true });
}
