// Query API benchmark: a fleet of simulated nodes — facts (about a hundred, structured), a
// 500-resource catalog and a report each — in PostgreSQL behind a master, then PuppetDB-style
// queries through the master's routes (as pypuppetdb sends them), and reports stored while the
// fleet is there. Goals: `nodes` and `facts` queries p99 < 100 ms; storing a report p99 < 20 ms.
//
//   npx node test/bench/pdb.bench.ts [NODES]        (default 10,000; needs root for PostgreSQL)
//
// KASPER_BENCH_PG_URL=postgres://… uses that database instead of a new server, and stores only
// the nodes it does not hold yet (loading 10,000 nodes takes minutes), so a database kept
// between runs is loaded once. KASPER_BENCH_ONLY=REGEX runs only the queries it matches (and
// skips storing reports), for iterating on one query.
//
// Besides wall time, each query's CPU time per request in this process (the master: route,
// driver, JSON) is given, as the machine may be busy with other work.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMaster, type BuiltMaster } from '../../packages/master/src/index.ts';
import { startPostgres } from '../support/postgres.ts';
import type { BenchReport } from './parser.bench.ts';
import { catalog, facts, nodeName, report, RESOURCES, ROLES } from './pdb-fleet.ts';

const QUERIER = 'puppet.bench';

async function pool<T>(items: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items) await fn(next++);
  }));
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

export async function runPdbBench(nodes = Number(process.env.KASPER_BENCH_NODES ?? 10_000)): Promise<BenchReport> {
  const given = process.env.KASPER_BENCH_PG_URL;
  const pg = given ? { url: given, stop() {} } : startPostgres();
  if (!('url' in pg)) return { name: 'pdb', lines: [`skipped: ${pg.reason}`] };
  const work = mkdtempSync(join(tmpdir(), 'kasper-pdb-bench-'));
  let master: BuiltMaster | undefined;
  try {
    mkdirSync(join(work, 'envs/production/manifests'), { recursive: true });
    master = await buildMaster({
      confdir: join(work, 'conf'), vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: QUERIER, dnsAltNames: [],
      environmentpath: join(work, 'envs'), basemodulepath: [], compileWorkers: 1, storage: pg.url, gcInterval: 0,
    }, {
      // Stands in for TLS: the benchmark measures the route and the database, not the handshake.
      identify: (req) => {
        const name = String(req.headers['x-certname'] ?? QUERIER);
        return { certname: name, fingerprint: name, der: new X509Certificate(master!.ca!.certificatePem(QUERIER)!).raw };
      },
    });
    const storage = master.storage;
    const started = performance.now();
    const base = Date.now() - 3_600_000;
    const held = Number((await storage.select('SELECT count(*) AS n FROM catalog_resources WHERE resource IS NOT NULL'))[0].n) / RESOURCES;
    await pool(nodes, 8, async (i) => {
      if (i < held - 8) return;
      const name = nodeName(i);
      await storage.saveFacts(name, facts(i), 'production', { trusted: { certname: name, authenticated: 'remote', extensions: { pp_role: ROLES[i % ROLES.length] } } });
      await storage.saveCatalog(name, catalog(i), String(1741600000 + i), { environment: 'production' });
      await storage.saveReport(name, report(i, new Date(base + i)) as never);
    });
    const loadSeconds = (performance.now() - started) / 1000;
    await storage.select('ANALYZE');
    const size = (await storage.select('SELECT pg_database_size(current_database()) AS n'))[0].n;

    const app = master.app;
    let cpuMs = 0;
    // The answer is read as the bytes a socket would carry (inject's payloadAsStream: no copy
    // of them all joined and decoded into one string, the in-process client's garbage, not the
    // master's) and parsed, to count its rows, only on the warm-up calls.
    const get = async (url: string, parse = false) => {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const res = await app.inject({ method: 'GET', url, payloadAsStream: true });
      const chunks: Buffer[] = [];
      for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      cpuMs += (used.user + used.system) / 1000;
      if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`);
      const body = parse ? JSON.parse(Buffer.concat(chunks).toString()) as unknown : undefined;
      return { ms, rows: Array.isArray(body) ? body.length : 1 };
    };
    const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
    const some = (k: number) => nodeName((k * 7919) % nodes);
    const queries: { what: string; url: (k: number) => string }[] = [
      { what: 'nodes, all (pypuppetdb db.nodes())', url: () => '/pdb/query/v4/nodes' },
      { what: 'nodes/<certname> (db.node())', url: (k) => `/pdb/query/v4/nodes/${some(k)}` },
      { what: 'nodes by fact (["=", ["fact", "role"], "db"]), 2,000 rows', url: () => `/pdb/query/v4/nodes?${q({ query: '["=",["fact","role"],"db"]' })}` },
      { what: 'nodes, PQL with a report filter, ordered, limit 50', url: () => `/pdb/query/v4?${q({ query: 'nodes[certname, latest_report_status] { latest_report_status = "changed" and facts_environment = "production" order by certname limit 50 }' })}` },
      { what: 'facts of one node (node.facts())', url: (k) => `/pdb/query/v4/nodes/${some(k)}/facts` },
      { what: 'facts/<name> across all nodes (db.facts("os"))', url: () => '/pdb/query/v4/facts/os' },
      { what: 'facts by name and value (role = db)', url: () => `/pdb/query/v4/facts?${q({ query: '["and",["=","name","role"],["=","value","db"]]' })}` },
      { what: 'facts count by value (group_by)', url: () => `/pdb/query/v4/facts?${q({ query: '["extract",[["function","count"],"value"],["=","name","datacenter"],["group_by","value"]]' })}` },
      { what: 'inventory by a structured fact, limit 100', url: () => `/pdb/query/v4/inventory?${q({ query: '["=","facts.os.family","RedHat"]', limit: '100' })}` },
      { what: 'resources of one node (type File)', url: (k) => `/pdb/query/v4/nodes/${some(k)}/resources/File` },
      { what: 'events of one report', url: (k) => `/pdb/query/v4/events?${q({ query: JSON.stringify(['=', 'certname', some(k)]) })}` },
    ];
    const lines = [
      `${nodes.toLocaleString('en')} nodes (facts, a ${RESOURCES}-resource catalog and a report each)${held ? '' : ` stored in ${loadSeconds.toFixed(0)} s`}; PostgreSQL database ${(Number(size) / 2 ** 20).toFixed(0)} MiB.`,
      '',
      '| query (through the master\'s route) | rows | p50 ms | p99 ms | master CPU ms per request |', '|---|---|---|---|---|',
    ];
    const only = process.env.KASPER_BENCH_ONLY ? new RegExp(process.env.KASPER_BENCH_ONLY) : undefined;
    for (const query of queries) {
      if (only && !only.test(query.what)) continue;
      const times: number[] = [];
      let rows = 0;
      for (let k = 0; k < 3; k++) rows = (await get(query.url(k), true)).rows; // warm
      const runs = query.what.includes('all') || query.what.includes('across') ? 30 : 100;
      cpuMs = 0;
      for (let k = 0; k < runs; k++) {
        const r = await get(query.url(k));
        times.push(r.ms);
      }
      lines.push(`| ${query.what} | ${rows.toLocaleString('en')} | ${pct(times, 0.5).toFixed(1)} | ${pct(times, 0.99).toFixed(1)} | ${(cpuMs / runs).toFixed(1)} |`);
    }
    if (only) return { name: 'pdb', lines };
    // Storing a report: as the agent's PUT /puppet/v3/report arrives at the master.
    const storeTimes: number[] = [];
    for (let k = 0; k < 200; k++) {
      const i = (k * 104_729) % nodes;
      const body = JSON.stringify(report(i, new Date()));
      const t = performance.now();
      const res = await app.inject({ method: 'PUT', url: `/puppet/v3/report/${nodeName(i)}`, headers: { 'content-type': 'application/json', 'x-certname': nodeName(i) }, payload: body });
      storeTimes.push(performance.now() - t);
      if (res.statusCode !== 200) throw new Error(`report: HTTP ${res.statusCode} ${res.body}`);
    }
    lines.push('', '| store a report (PUT /puppet/v3/report, 500 resource statuses, 10 events) | p50 ms | p99 ms |', '|---|---|---|',
      `| into a store of ${nodes.toLocaleString('en')} nodes | ${pct(storeTimes, 0.5).toFixed(1)} | ${pct(storeTimes, 0.99).toFixed(1)} |`);
    return { name: 'pdb', lines };
  } finally {
    await master?.close();
    pg.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const report = await runPdbBench(process.argv[2] ? Number(process.argv[2]) : undefined);
  console.log(report.lines.join('\n'));
}
