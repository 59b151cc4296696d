// The query API against a real PuppetDB on the same facts: NODES simulated nodes' facts (about a
// hundred each, structured ones among them, test/bench/pdb-fleet.ts) stored in Kasper's
// PostgreSQL storage and in PuppetDB 7.12 (replace_facts commands), then the same `nodes` and
// `facts` queries asked of both, one at a time, medians and p99 in ms.
//
//   sh test/bench/pdb-compare.sh [NODES]        (default 1,000; needs root: PostgreSQL, PuppetDB)
//
// This file is the half the shell script runs for each side: `puppetdb URL` or `kasper`.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMaster } from '../../packages/master/src/index.ts';
import { startPostgres } from '../support/postgres.ts';
import { facts, nodeName } from './pdb-fleet.ts';

const [side, url, n] = process.argv.slice(2);
const NODES = Number(n ?? 1000);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const QUERIES: [string, string][] = [
  ['nodes, all', '/pdb/query/v4/nodes'],
  ['nodes/<certname>', `/pdb/query/v4/nodes/${nodeName(7)}`],
  ['nodes by fact (role = db)', `/pdb/query/v4/nodes?${new URLSearchParams({ query: '["=",["fact","role"],"db"]' })}`],
  ['facts of one node', `/pdb/query/v4/nodes/${nodeName(7)}/facts`],
  ['facts/os across all nodes', '/pdb/query/v4/facts/os'],
  ['facts by name and value (role = db)', `/pdb/query/v4/facts?${new URLSearchParams({ query: '["and",["=","name","role"],["=","value","db"]]' })}`],
];

async function measure(get: (path: string) => Promise<number>): Promise<void> {
  for (const [what, path] of QUERIES) {
    for (let k = 0; k < 3; k++) await get(path);
    const times: number[] = [];
    for (let k = 0; k < 30; k++) times.push(await get(path));
    console.log(`| ${what} | ${pct(times, 0.5).toFixed(1)} | ${pct(times, 0.99).toFixed(1)} |`);
  }
}

if (side === 'puppetdb') {
  const started = performance.now();
  for (let i = 0; i < NODES; i++) {
    const certname = nodeName(i);
    const res = await fetch(`${url}/pdb/cmd/v1?command=replace_facts&version=5&certname=${certname}`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ certname, environment: 'production', values: facts(i), producer_timestamp: new Date().toISOString(), producer: 'puppet.bench' }),
    });
    if (!res.ok) throw new Error(`replace_facts ${certname}: ${res.status} ${await res.text()}`);
  }
  // Commands are queued: wait until every node is there.
  for (;;) {
    const count = (await (await fetch(`${url}/pdb/query/v4/nodes?${new URLSearchParams({ query: '["extract",[["function","count"]]]' })}`)).json()) as { count: number }[];
    if (count[0]?.count >= NODES) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log(`PuppetDB: ${NODES} nodes' facts stored in ${((performance.now() - started) / 1000).toFixed(0)} s (commands processed)`);
  await measure(async (path) => {
    const t = performance.now();
    const res = await fetch(`${url}${path}`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path}: ${res.status}`);
    return performance.now() - t;
  });
} else {
  const pg = startPostgres();
  if (!('url' in pg)) throw new Error(pg.reason);
  const work = mkdtempSync(join(tmpdir(), 'kasper-pdb-compare-'));
  try {
    mkdirSync(join(work, 'envs/production/manifests'), { recursive: true });
    const master = await buildMaster({
      confdir: join(work, 'conf'), vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: 'puppet.bench', dnsAltNames: [],
      environmentpath: join(work, 'envs'), basemodulepath: [], compileWorkers: 1, storage: pg.url, gcInterval: 0,
    }, { identify: () => ({ certname: 'puppet.bench', fingerprint: 'x', der: new X509Certificate(master.ca!.certificatePem('puppet.bench')!).raw }) });
    const started = performance.now();
    for (let i = 0; i < NODES; i++) await master.storage.saveFacts(nodeName(i), facts(i), 'production', { producer: 'puppet.bench' });
    await master.storage.select('ANALYZE');
    console.log(`Kasper: ${NODES} nodes' facts stored in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    // Through the master's routes in process (app.inject, as pdb.bench.ts: no TLS, no socket);
    // PuppetDB is asked over plain HTTP on loopback, which adds the transfer of the answer.
    await measure(async (path) => {
      const t = performance.now();
      const res = await master.app.inject({ method: 'GET', url: path });
      if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode}`);
      return performance.now() - t;
    });
    await master.close();
  } finally {
    pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
