// Several masters, one database: PostgreSQL, HAProxy (Debian's, TLS passed through in TCP mode),
// two Kasper masters and five Kasper agents, each in its own network namespace on one bridge.
// master1 holds the CA; master2 runs with --ca-server (no CA key: it asks master1 for its own
// certificate, forwards certificate requests, keeps the CA certificate and CRL). Agents join
// and run through the balancer; catalogs cached on one master stay true to what another stored
// since (facts, exports) and to code changes; then master1 — the CA master — is killed during
// a round of runs: every run still succeeds through master2, every report is stored once, and
// every node collects the same exports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCommands, hasCommand, isRoot, needs } from '../support/host.ts';
import { startPostgres, type PgServer } from '../support/postgres.ts';
import { TestNetwork } from '../support/netns.ts';

const root = join(import.meta.dirname, '../..');
const node = process.execPath;
const kasper = join(root, 'packages/cli/bin/kasper.js');
const tag = String(process.pid % 10000);
const NET = `10.78.${Number(tag) % 250}`;
const PORT = 8140;
const LAN = `kl${tag}`;
const PG = { ns: `kp${tag}`, ip: `${NET}.2` };
const LB = { ns: `kb${tag}`, ip: `${NET}.3` };
const M1 = { ns: `kma${tag}`, ip: `${NET}.11`, name: 'master1.fleet.test' };
const M2 = { ns: `kmb${tag}`, ip: `${NET}.12`, name: 'master2.fleet.test' };
const AGENTS = [1, 2, 3, 4, 5].map((i) => ({ ns: `kag${tag}-${i}`, ip: `${NET}.${20 + i}`, name: `agent${i}.fleet.test` }));
const HOST_IP = `${NET}.254`;

let reason: string | null = isRoot && hasCommand('ip') ? null : 'several masters need root and iproute2 (network namespaces)';
const work = mkdtempSync(join(tmpdir(), 'kasper-masters-'));
const out = join(work, 'out');
const conf = (m: typeof M1) => join(work, m.name);
const code = (m: typeof M1) => join(work, `code-${m.name}`);
let pg: PgServer | undefined;
const procs = new Map<string, { proc: ChildProcess; log: string }>();

const network = new TestNetwork(LAN, `kw${tag}`);

function start(name: string, ns: string, args: string[]): { proc: ChildProcess; log: string } {
  const p = { proc: spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }), log: '' };
  p.proc.stdout!.on('data', (d) => (p.log += d));
  p.proc.stderr!.on('data', (d) => (p.log += d));
  procs.set(name, p);
  return p;
}

async function until(what: string, ok: () => boolean, seconds = 30): Promise<void> {
  for (let i = 0; i < seconds * 10 && !ok(); i++) await new Promise((r) => setTimeout(r, 100));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

/** The code both masters serve (each has its own copy, as each would be deployed to). */
function deploy(version: string): void {
  const site = [
    'node default {',
    "  $role = $facts['role'] ? { undef => 'none', default => $facts['role'] }",
    `  file { "${out}/\${trusted['certname']}.txt": content => "\${trusted['certname']} code=${version} role=\${role}\\n" }`,
    // Each node exports its own host entry; every agent collects them all into a file of its
    // own. (A catalog that collects is compiled on every request; the test's own requests, with
    // a role, do not collect, so their catalogs are cached.)
    `  @@host { "\${trusted['certname']}": ip => '192.0.2.1', host_aliases => [$role], tag => ['fleet'] }`,
    `  if $role == 'none' { Host <<| tag == 'fleet' |>> { target => "${out}/hosts-\${trusted['certname']}" } }`,
    '}', '',
  ].join('\n');
  for (const m of [M1, M2]) {
    mkdirSync(join(code(m), 'production/manifests'), { recursive: true });
    writeFileSync(join(code(m), 'production/manifests/site.pp'), site);
  }
}

before(async () => {
  if (reason) return;
  reason = ensureCommands({ haproxy: 'haproxy' });
  if (reason) return;
  try {
    network.create();
    [PG, LB, M1, M2, ...AGENTS].forEach((n, i) => network.plug(n.ns, n.ip, `x${i}`));
    network.plug(null, HOST_IP, 'x99'); // the test and the CLI reach the masters and the database from the host
  } catch (e) {
    reason = `cannot build the test network: ${(e as Error).message}`;
    return;
  }
  const db = startPostgres({ netns: PG.ns, address: PG.ip });
  if (!('url' in db)) {
    reason = db.reason;
    return;
  }
  pg = db;
  mkdirSync(out, { recursive: true });
  // Puppet 7's agent has the host type from its module (Debian's puppet-module-puppetlabs-host-core), by pluginsync.
  mkdirSync(join(work, 'modules'), { recursive: true });
  if (existsSync('/usr/share/puppet/modules/host_core')) symlinkSync('/usr/share/puppet/modules/host_core', join(work, 'modules/host_core'));
  deploy('v1');
  const master = (m: typeof M1, ...extra: string[]) => start(m.name, m.ns, [node, kasper, 'master', '--confdir', conf(m), '--vardir', join(conf(m), 'var'),
    '--bind', m.ip, '--port', String(PORT), '--certname', m.name, '--dns-alt-names', `${m.name},${m.ip},${LB.ip}`,
    '--environmentpath', code(m), '--basemodulepath', join(work, 'modules'), '--storage', pg!.url, ...extra]);
  try {
    // master1: the CA; agents' names are signed as they ask.
    const m1 = master(M1, '--autosign', '*.fleet.test');
    await until('master1', () => m1.log.includes('listening'));
    // master2: asks master1 for its certificate, and waits for the operator to sign it.
    const m2 = master(M2, '--ca-server', `https://${M1.ip}:${PORT}`, '--ca-refresh', '2');
    await until('master2 to ask for its certificate', () => m2.log.includes('Waiting for the CA to sign'));
    const sign = cli(M1, 'ca', 'sign', '--allow-dns-alt-names', M2.name);
    if (sign.status !== 0) throw new Error(sign.stdout + sign.stderr);
    await until('master2', () => m2.log.includes('listening'));
    writeFileSync(join(work, 'haproxy.cfg'), [
      'global', '  maxconn 2000',
      // TCP mode: TLS passes through, so each master sees the agent's client certificate.
      'defaults', '  mode tcp', '  timeout connect 2s', '  timeout client 150s', '  timeout server 150s',
      // A connection a dead master refuses is tried again on the other.
      '  retries 3', '  option redispatch 1',
      'frontend masters', `  bind ${LB.ip}:${PORT}`, '  default_backend masters',
      'backend masters', '  balance roundrobin', '  default-server inter 300ms fall 2 rise 2',
      `  server master1 ${M1.ip}:${PORT} check`, `  server master2 ${M2.ip}:${PORT} check`, '',
    ].join('\n'));
    const lb = start('haproxy', LB.ns, ['haproxy', '-db', '-f', join(work, 'haproxy.cfg')]);
    await until('haproxy', () => spawnSync('ip', ['netns', 'exec', LB.ns, 'bash', '-c', `exec 3<>/dev/tcp/${LB.ip}/${PORT}`]).status === 0 || lb.proc.exitCode !== null);
    if (lb.proc.exitCode !== null) throw new Error(`haproxy did not start: ${lb.log}`);
  } catch (e) {
    reason = `${(e as Error).message}\n${[...procs].map(([n, p]) => `${n}: ${p.log}`).join('\n')}`;
  }
});

after(() => {
  for (const p of procs.values()) p.proc.kill('SIGKILL');
  pg?.stop();
  network.remove();
  rmSync(work, { recursive: true, force: true });
});

function cli(m: typeof M1, ...args: string[]) {
  return spawnSync(node, [kasper, ...args, '--confdir', conf(m), '--vardir', join(conf(m), 'var')], { encoding: 'utf8' });
}

/** One agent run through the balancer, in the agent's namespace. */
function agentRun(a: typeof AGENTS[number]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', a.ns, node, kasper, 'agent', '--onetime', '--server', LB.ip, '--port', String(PORT),
      '--certname', a.name, '--confdir', join(work, a.name, 'conf'), '--vardir', join(work, a.name, 'var'), '--waitforcert', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (code) => resolve({ code, output }));
  });
}

/** An HTTPS request from the host to one master, as a node whose key and certificate are at `ssl`. */
function call(m: typeof M1, method: string, path: string, ssl: { key: string; cert: string } | null, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = request({
      // A connection of its own per call: a master closes idle kept-alive connections when its
      // CRL changes (every 2 s here), and a reused one closed just as it is used hangs up.
      agent: false,
      host: m.ip, port: PORT, method, path, headers: { 'content-type': 'application/json' },
      ca: readFileSync(join(conf(M1), 'ca', 'ca_crt.pem')),
      key: ssl ? readFileSync(ssl.key) : undefined, cert: ssl ? readFileSync(ssl.cert) : undefined,
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(body);
  });
}

const agentSsl = (name: string) => ({ key: join(work, name, 'conf/ssl/private_keys', `${name}.pem`), cert: join(work, name, 'conf/ssl/certs', `${name}.pem`) });
const masterSsl = (m: typeof M1) => ({ key: join(conf(m), 'ssl/private_keys', `${m.name}.pem`), cert: join(conf(m), 'ssl/certs', `${m.name}.pem`) });

/** A PuppetDB query, asked of a master with its own certificate (the query API's rule). */
async function pdb(m: typeof M1, entity: string, query: unknown): Promise<Record<string, unknown>[]> {
  const r = await call(m, 'GET', `/pdb/query/v4/${entity}?${new URLSearchParams({ query: JSON.stringify(query) })}`, masterSsl(m));
  assert.equal(r.status, 200, r.text);
  return JSON.parse(r.text) as Record<string, unknown>[];
}

const hostsOfName = (name: string) => readFileSync(join(out, `hosts-${name}`), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/)[1]).sort();
const hostsOf = (a: typeof AGENTS[number]) => readFileSync(join(out, `hosts-${a.name}`), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/)[1]).sort();

test('two masters behind HAProxy on one PostgreSQL: CA forwarding, caches across masters, losing a master mid-round', async (t) => {
  if (!needs(t, reason === null, reason ?? '')) return;
  const names = AGENTS.map((a) => a.name).sort();

  // 1. The CA: master2 holds no CA key and forwards what agents need to join; administration is master1's.
  assert.equal(readFileSync(join(conf(M2), 'ssl/certs/ca.pem'), 'utf8'), readFileSync(join(conf(M1), 'ca/ca_crt.pem'), 'utf8'));
  assert.equal(spawnSync('ls', [join(conf(M2), 'ca')]).status === 0, false, 'master2 has no CA folder');
  assert.equal((await call(M2, 'GET', '/puppet-ca/v1/certificate/ca', null)).text, readFileSync(join(conf(M1), 'ca/ca_crt.pem'), 'utf8'));
  const status = await call(M2, 'GET', `/puppet-ca/v1/certificate_status/${M2.name}`, masterSsl(M2));
  assert.equal(status.status, 503);
  assert.match(status.text, /KSP-MASTER-021/);

  // 2. Five agents join and run through the balancer (requests land on both masters; a CSR on
  // master2 is forwarded to master1, which autosigns), then run again: each collects all five hosts.
  for (let round = 0; round < 2; round++) {
    const runs = await Promise.all(AGENTS.map(agentRun));
    runs.forEach((r, i) => assert.equal(r.code, 0, `${AGENTS[i].name}, round ${round + 1}:\n${r.output}`));
  }
  for (const a of AGENTS) {
    assert.equal(readFileSync(join(out, `${a.name}.txt`), 'utf8'), `${a.name} code=v1 role=none\n`);
    assert.deepEqual(hostsOf(a), names, `${a.name} collected`);
  }
  // A stock Puppet 7 agent joins and runs through the balancer too (in agent1's namespace).
  if (hasCommand('puppet') && existsSync(join(work, 'modules/host_core'))) {
    const dir = join(work, 'puppet-agent');
    const puppet = spawnSync('ip', ['netns', 'exec', AGENTS[0].ns, 'puppet', 'agent', '-t', '--server', LB.ip, '--masterport', String(PORT),
      '--certname', 'puppet6.fleet.test', '--waitforcert', '0', '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'), '--ssldir', join(dir, 'ssl'),
      '--logdir', join(dir, 'log'), '--rundir', join(dir, 'run'), '--codedir', join(dir, 'code'), '--publicdir', join(dir, 'public'), '--color', 'false'],
    { encoding: 'utf8', timeout: 300_000, env: { ...process.env, LANG: 'C.UTF-8' } });
    // -t: 2 when something changed, 0 when nothing did; anything else failed.
    assert.ok(puppet.status === 2 || puppet.status === 0, `puppet agent: ${puppet.status}\n${puppet.stdout}${puppet.stderr}`);
    assert.equal(readFileSync(join(out, 'puppet6.fleet.test.txt'), 'utf8'), 'puppet6.fleet.test code=v1 role=none\n');
    assert.ok(hostsOfName('puppet6.fleet.test').includes('agent1.fleet.test'));
    spawnSync(node, [kasper, 'node', 'deactivate', 'puppet6.fleet.test', '--storage', pg!.url, '--confdir', conf(M1), '--vardir', join(conf(M1), 'var')]);
  }
  const served = (m: typeof M1) => readFileSync(join(conf(m), 'var/log/master.log'), 'utf8').split('\n').filter((l) => l.includes('/puppet/v3/catalog/') && l.includes('incoming request')).length;
  assert.ok(served(M1) > 0 && served(M2) > 0, `both masters served catalogs (${served(M1)}, ${served(M2)})`);

  // 3. Caches across masters. agent1 asks master1 with role a, master2 with role b, master1
  // with role a again: master1's cache answers, and the store holds role a's facts and exports
  // again (not the b that master2 stored), since that is what agent1 applies.
  const ask = async (m: typeof M1, role: string) => {
    const r = await call(m, 'POST', `/puppet/v3/catalog/${AGENTS[0].name}`, agentSsl(AGENTS[0].name), JSON.stringify({ facts: { values: { role } } }));
    assert.equal(r.status, 200, r.text);
    return JSON.stringify(JSON.parse(r.text).resources);
  };
  const stored = async () => {
    const facts = await pdb(M2, 'facts', ['and', ['=', 'certname', AGENTS[0].name], ['=', 'name', 'role']]);
    const hosts = await pdb(M1, 'resources', ['and', ['=', 'type', 'Host'], ['=', 'exported', true], ['=', 'certname', AGENTS[0].name]]);
    return { role: facts[0]?.value, aliases: (hosts[0]?.parameters as { host_aliases?: unknown })?.host_aliases };
  };
  const first = await ask(M1, 'a');
  assert.match(first, /role=a/);
  assert.deepEqual(await stored(), { role: 'a', aliases: ['a'] });
  assert.match(await ask(M2, 'b'), /role=b/);
  assert.deepEqual(await stored(), { role: 'b', aliases: ['b'] });
  const cacheHits = async () => Number(/kasper_catalog_cache_hits_total (\d+)/.exec((await call(M1, 'GET', '/metrics', masterSsl(M1))).text)?.[1]);
  const hitsBefore = await cacheHits();
  assert.equal(await ask(M1, 'a'), first);
  assert.equal(await cacheHits(), hitsBefore + 1, 'master1 answered from its cache');
  assert.deepEqual(await stored(), { role: 'a', aliases: ['a'] });
  // A code change reaches both masters' caches (each looks at its code at most once a second).
  deploy('v2');
  await new Promise((r) => setTimeout(r, 1200));
  assert.match(await ask(M1, 'a'), /code=v2 role=a/);
  assert.match(await ask(M2, 'a'), /code=v2 role=a/);

  // 4. A revocation on the CA master reaches master2 with its next CRL fetch (every 2 s here).
  assert.equal(cli(M1, 'ca', 'generate', 'probe.fleet.test').status, 0);
  const probe = { key: join(conf(M1), 'ssl/private_keys/probe.fleet.test.pem'), cert: join(conf(M1), 'ssl/certs/probe.fleet.test.pem') };
  const probeFacts = JSON.stringify({ facts: { values: {} } });
  assert.equal((await call(M2, 'POST', '/puppet/v3/catalog/probe.fleet.test', probe, probeFacts)).status, 200);
  assert.equal(cli(M1, 'ca', 'revoke', 'probe.fleet.test').status, 0);
  let refused = 0;
  for (let i = 0; i < 50 && refused === 0; i++) {
    const r = await call(M2, 'POST', '/puppet/v3/catalog/probe.fleet.test', probe, probeFacts);
    if (r.status !== 200) refused = r.status || -1;
    else await new Promise((res) => setTimeout(res, 200));
  }
  assert.notEqual(refused, 0, 'master2 still serves a certificate revoked on master1');
  // Its node is deactivated in the shared store: neither master's compiles collect its export.
  const deactivate = cli(M1, 'node', 'deactivate', 'probe.fleet.test', '--storage', pg!.url);
  assert.equal(deactivate.status, 0, deactivate.stderr);

  // 5. A round of runs (three per agent, all at once) during which master1 — the CA master — is killed.
  const reportsBefore = new Map<string, number>();
  for (const a of AGENTS) reportsBefore.set(a.name, (await pdb(M2, 'reports', ['=', 'certname', a.name])).length);
  const RUNS = 3;
  const round = Promise.all(AGENTS.map(async (a) => {
    const results = [];
    for (let i = 0; i < RUNS; i++) results.push(await agentRun(a));
    return results;
  }));
  // Killed once the round is under way: when master1 has begun serving it.
  const m1Served = served(M1);
  await until('the round to reach master1', () => served(M1) > m1Served, 60);
  procs.get(M1.name)!.proc.kill('SIGKILL');
  const results = await round;
  results.forEach((rs, i) => rs.forEach((r, k) => {
    assert.equal(r.code, 0, `${AGENTS[i].name}, run ${k + 1} of the round:\n${r.output}`);
    assert.doesNotMatch(r.output, /CACHED CATALOG|Could not send the report/, `${AGENTS[i].name}, run ${k + 1}`);
  }));
  // Nothing lost: every run's report is stored once, none failed or from a cached catalog.
  for (const a of AGENTS) {
    const reports = await pdb(M2, 'reports', ['=', 'certname', a.name]);
    assert.equal(reports.length, reportsBefore.get(a.name)! + RUNS, `${a.name}: reports stored`);
    const uuids = reports.map((r) => r.transaction_uuid);
    assert.equal(new Set(uuids).size, uuids.length, `${a.name}: a report stored twice`);
    for (const r of reports) {
      assert.notEqual(r.status, 'failed');
      assert.equal(r.cached_catalog_status, 'not_used');
    }
  }
  // Exports collected consistently: the store holds each node's one exported host, and every
  // node's collected file lists all five.
  const exported = await pdb(M2, 'resources', ['and', ['=', 'type', 'Host'], ['=', 'exported', true]]);
  assert.deepEqual(exported.map((r) => r.certname).sort(), names);
  for (const a of AGENTS) {
    assert.deepEqual(hostsOf(a), names, `${a.name} collected`);
    assert.equal(readFileSync(join(out, `${a.name}.txt`), 'utf8'), `${a.name} code=v2 role=none\n`);
  }
  // With the CA master gone, a new node cannot join (said clearly); the others run on.
  const join6 = await call(M2, 'GET', '/puppet-ca/v1/certificate/agent6.fleet.test', null);
  assert.equal(join6.status, 503);
  assert.match(join6.text, /KSP-MASTER-020/);
});
