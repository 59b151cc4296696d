// Debian's python3-pypuppetdb — the library behind Puppetboard — against a Kasper master over
// mutual TLS, asking queries.py's questions about the fleet of fixtures/fleet.json, and getting
// the answers a real PuppetDB 7.12 gave for the same documents (golden/answers.json, made by
// regenerate.sh): nodes with their latest report status and event counts, facts, fact
// contents, inventory, resources, catalogs, reports, events of the last report, PQL, paging.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMaster, type Master } from '@kasper/master';
import { isRoot, needs } from '../support/host.ts';
import { startPostgres, type PgServer } from '../support/postgres.ts';
import type { Fleet } from './fleet.ts';

const here = import.meta.dirname;
const fleet = JSON.parse(readFileSync(join(here, 'fixtures/fleet.json'), 'utf8')) as Fleet;
const golden = JSON.parse(readFileSync(join(here, 'golden/answers.json'), 'utf8')) as Record<string, unknown>;
const PYTHON = '/usr/bin/python3';
const work = mkdtempSync(join(tmpdir(), 'kasper-pypuppetdb-'));
let master: Master | undefined;

/** pypuppetdb importable by Debian's python3, installed with apt when it is not (as root). */
function pypuppetdb(): string | null {
  const ok = () => {
    try {
      execFileSync(PYTHON, ['-c', 'import pypuppetdb'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (ok()) return null;
  if (!isRoot) return 'python3-pypuppetdb is not installed (apt-get install python3-pypuppetdb)';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-q', 'python3-pypuppetdb'], { stdio: 'pipe', env });
  } catch {
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'pipe' });
      execFileSync('apt-get', ['install', '-y', '-q', 'python3-pypuppetdb'], { stdio: 'pipe', env });
    } catch (e) {
      return `could not install python3-pypuppetdb: ${(e as Error).message}`;
    }
  }
  return ok() ? null : 'python3-pypuppetdb installed but not importable';
}

let missing: string | null = null;
let pg: PgServer | { reason: string } | undefined;

before(() => {
  missing = pypuppetdb();
  pg = startPostgres();
});

after(async () => {
  await master?.close();
  if (pg && 'stop' in pg) pg.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A master on this storage with the fleet stored, and a client certificate in query_allow. */
async function startWithFleet(name: string, storage: string | undefined): Promise<void> {
  await master?.close();
  const dir = join(work, name);
  mkdirSync(join(dir, 'envs/production/manifests'), { recursive: true });
  master = await startMaster({
    confdir: join(dir, 'conf'), vardir: join(dir, 'var'), bind: '127.0.0.1', port: 0, certname: fleet.master, storage,
    dnsAltNames: ['127.0.0.1'], environmentpath: join(dir, 'envs'), basemodulepath: [], compileWorkers: 1,
    queryAllow: ['query.example.com'],
    // As regenerate.sh configures PuppetDB: nothing expires (the fixtures' times are fixed in 2025).
    reportTtl: 0, nodeTtl: 0, nodePurgeTtl: 0, gcInterval: 0,
  });
  // What the master would have stored from these nodes' runs, with the times they were produced.
  const s = master.storage;
  for (const n of fleet.nodes) {
    await s.saveFacts(n.certname, n.facts.values, n.environment, { trusted: n.trusted, producerTimestamp: n.facts.producer_timestamp, producer: fleet.master });
    if (n.catalog) {
      await s.saveCatalog(n.certname, JSON.stringify(n.catalog.catalog), String(n.catalog.catalog.version),
        { transactionUuid: n.catalog.transaction_uuid, environment: n.environment, producerTimestamp: n.catalog.producer_timestamp, producer: fleet.master });
    }
    for (const r of n.reports) await s.saveReport(n.certname, r.report as never, { producerTimestamp: r.producer_timestamp, producer: fleet.master });
    if (n.deactivated) await s.deactivateNode(n.certname, n.deactivated);
  }
  for (const [file, certname] of [['client', 'query.example.com'], ['agent', 'web01.example.com']]) {
    const c = master.ca!.generate(certname);
    writeFileSync(join(work, `${file}.pem`), c.certPem);
    writeFileSync(join(work, `${file}.key`), c.keyPem, { mode: 0o600 });
  }
  writeFileSync(join(work, 'ca.pem'), master.ca!.caCertPem());
}

/** Runs queries.py (asynchronously: the master answers from this process). */
async function ask(cert = 'client'): Promise<Record<string, unknown>> {
  const port = new URL(master!.url).port;
  const { stdout: out } = await promisify(execFile)(PYTHON, [join(here, 'queries.py'), '--host', '127.0.0.1', '--port', port,
    '--cert', join(work, `${cert}.pem`), '--key', join(work, `${cert}.key`), '--ca', join(work, 'ca.pem')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  return JSON.parse(out) as Record<string, unknown>;
}

const backends: { name: string; url: () => string | undefined | { reason: string } }[] = [
  { name: 'sqlite', url: () => undefined },
  { name: 'postgresql', url: () => (pg && 'url' in pg ? pg.url : { reason: pg?.reason ?? 'no PostgreSQL server' }) },
];

for (const b of backends) {
  test(`pypuppetdb gets from Kasper (${b.name}) what PuppetDB 7.12 answered for the same fleet`, async (t) => {
    if (!needs(t, missing === null, missing ?? '')) return;
    const url = b.url();
    if (!needs(t, typeof url !== 'object', typeof url === 'object' ? url.reason : '')) return;
    await startWithFleet(b.name, url as string | undefined);
    const answers = await ask();
    const differ: string[] = [];
    for (const key of Object.keys(golden).sort()) {
      try {
        assert.deepEqual(answers[key], golden[key]);
      } catch (e) {
        differ.push(`${key}:\n${(e as Error).message.split('\n').slice(0, 40).join('\n')}`);
      }
    }
    assert.deepEqual(Object.keys(answers).sort(), Object.keys(golden).sort(), 'the same questions');
    assert.equal(differ.length, 0, `${differ.length} of ${Object.keys(golden).length} answers differ from PuppetDB's:\n\n${differ.join('\n\n')}`);

    // A certificate of the same CA but outside query_allow gets nothing.
    const refused = await ask('agent');
    assert.deepEqual(refused.facts_os, { error: 'HTTPError', status: 403 });
    assert.deepEqual(refused.pql_nodes, { error: 'HTTPError', status: 403 });
  });
}
