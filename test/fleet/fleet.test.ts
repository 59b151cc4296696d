// A fleet on one machine: the master in one network namespace, three agents in others, joined
// by veth pairs on a bridge, each with its own address. CSR → pending → signed by the CLI (or
// autosigned by policy) → catalog over mTLS → converge → report stored; a revoked agent is
// refused while the others go on; a node asking for another's catalog gets 403; a client
// without a certificate gets nothing; bad input is answered and the master keeps serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, needs, hasCommand } from '../support/host.ts';
import { TestNetwork } from '../support/netns.ts';

const root = join(import.meta.dirname, '../..');
const node = process.execPath;
const kasper = join(root, 'packages/cli/bin/kasper.js');
const tag = String(process.pid % 10000);
const MASTER_NS = `km${tag}`;
const AGENTS = [1, 2, 3].map((i) => ({ ns: `ka${tag}-${i}`, name: `agent${i}.fleet.test`, ip: `10.77.${tag.length > 2 ? 1 : 0}.${10 + i}` }));
const MASTER_IP = AGENTS[0].ip.replace(/\.\d+$/, '.1');
const HOST_IP = AGENTS[0].ip.replace(/\.\d+$/, '.254');
const PORT = 8140;
let reason: string | null = isRoot && hasCommand('ip') ? null : 'the fleet test needs root and iproute2 (network namespaces)';
const work = mkdtempSync(join(tmpdir(), 'kasper-fleet-'));
const mconf = join(work, 'master');
let master: ChildProcess | undefined;
let masterLog = '';

const net = new TestNetwork(MASTER_NS, `kv${tag}`, MASTER_IP);
const inNs = (ns: string, ...args: string[]) => spawnSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8', timeout: 120_000 });

before(async () => {
  if (reason) return;
  try {
    net.create();
    for (const [i, a] of AGENTS.entries()) net.plug(a.ns, a.ip, String(i));
    net.plug(null, HOST_IP, 'h'); // the test itself talks to the master from the host
  } catch (e) {
    reason = `cannot build the test network: ${(e as Error).message}`;
    return;
  }
  // The code: each node writes a file naming itself, its role and its OS family.
  mkdirSync(join(mconf, 'environments/production/manifests'), { recursive: true });
  writeFileSync(join(mconf, 'environments/production/manifests/site.pp'),
    `node default {\n  file { "${work}/out-\${trusted['certname']}.txt": content => "\${trusted['certname']} role=\${trusted['extensions']['pp_role']} os=\${facts['os']['family']}\\n" }\n`
    // Resolved by the agent: the certname from the facts it adds, the master's version from its server facts.
    + `  file { "${work}/deferred-\${trusted['certname']}.txt": content => Deferred('sprintf', ["%s %s %s\\n", Deferred('$facts', ['clientcert']), $server_facts['serverversion'], Deferred('site::secret', ['db'])]) }\n`
    + `  file { "${work}/secret-\${trusted['certname']}.txt": content => Deferred('site::secret', ['db']) }\n}\n`);
  // A function a module ships in Ruby, reaching the agents by pluginsync, called there by a Deferred.
  mkdirSync(join(mconf, 'environments/production/modules/site/lib/puppet/functions/site'), { recursive: true });
  writeFileSync(join(mconf, 'environments/production/modules/site/lib/puppet/functions/site/secret.rb'), [
    "Puppet::Functions.create_function(:'site::secret') do",
    '  dispatch :secret do',
    "    param 'String', :name",
    '  end',
    '  def secret(name)',
    '    Puppet::Pops::Types::PSensitiveType::Sensitive.new("secret-for-#{name}")',
    '  end',
    'end',
  ].join('\n'));
  // Autosign policy: approve agent3 only (the cloud's VM-created hook would decide here).
  const policy = join(work, 'autosign.sh');
  writeFileSync(policy, '#!/bin/sh\ngrep -q "BEGIN CERTIFICATE REQUEST" && [ "$1" = "agent3.fleet.test" ]\n');
  chmodSync(policy, 0o755);
  master = spawn('ip', ['netns', 'exec', MASTER_NS, node, kasper, 'master', '--confdir', mconf, '--vardir', join(mconf, 'var'),
    '--bind', MASTER_IP, '--port', String(PORT), '--certname', 'master.fleet.test', '--dns-alt-names', `master.fleet.test,${MASTER_IP}`,
    '--autosign-policy', policy], { stdio: ['ignore', 'pipe', 'pipe'] });
  master.stdout!.on('data', (d) => (masterLog += d));
  master.stderr!.on('data', (d) => (masterLog += d));
  for (let i = 0; i < 100 && !masterLog.includes('listening'); i++) await new Promise((r) => setTimeout(r, 100));
  if (!masterLog.includes('listening')) reason = `the master did not start: ${masterLog}`;
});

after(() => {
  master?.kill('SIGTERM');
  net.remove();
  rmSync(work, { recursive: true, force: true });
});

const agent = (a: typeof AGENTS[number], ...extra: string[]) => inNs(a.ns, node, kasper, 'agent', '--onetime', '--server', MASTER_IP, '--port', String(PORT),
  '--certname', a.name, '--confdir', join(work, a.name, 'conf'), '--vardir', join(work, a.name, 'var'), '--waitforcert', '0', ...extra);
const cli = (...args: string[]) => spawnSync(node, [kasper, ...args, '--confdir', mconf, '--vardir', join(mconf, 'var')], { encoding: 'utf8' });

/** An HTTPS request to the master from the host, with a node's certificate or none. */
function call(method: string, path: string, as: string | null, body?: string, contentType = 'application/json'): Promise<{ status: number; text: string }> {
  const ssl = as ? join(work, as, 'conf', 'ssl') : null;
  return new Promise((resolve) => {
    const req = request({
      host: MASTER_IP, port: PORT, method, path, headers: { 'content-type': contentType },
      ca: readFileSync(join(mconf, 'ca', 'ca_crt.pem')),
      key: ssl ? readFileSync(join(ssl, 'private_keys', `${as}.pem`)) : undefined,
      cert: ssl ? readFileSync(join(ssl, 'certs', `${as}.pem`)) : undefined,
    }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(body);
  });
}

test('a fleet: requests, signing, runs, reports, revocation, and who may see what', async (t) => {
  if (!needs(t, reason === null, reason ?? '')) return;
  const [a1, a2, a3] = AGENTS;
  // 1. Agents 1 and 2 ask for certificates and wait; agent 3 is approved by the policy.
  for (const a of [a1, a2]) {
    const r = agent(a, ...(a === a1 ? [] : []));
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /No certificate for .* yet/);
  }
  const pending = cli('ca', 'list');
  assert.match(pending.stdout, /agent1\.fleet\.test/);
  assert.match(pending.stdout, /agent2\.fleet\.test/);
  const third = agent(a3);
  assert.equal(third.status, 0, third.stdout + third.stderr);
  assert.match(readFileSync(join(work, `out-${a3.name}.txt`), 'utf8'), /^agent3\.fleet\.test role= os=\w+\n$/);
  assert.equal(readFileSync(join(work, `deferred-${a3.name}.txt`), 'utf8'), 'agent3.fleet.test 7.23.0 Sensitive [value redacted]\n');
  // The Sensitive result is applied and shown nowhere.
  assert.equal(readFileSync(join(work, `secret-${a3.name}.txt`), 'utf8'), 'secret-for-db');
  assert.doesNotMatch(third.stdout + third.stderr, /secret-for-db/);
  assert.match(third.stdout, /secret-agent3\.fleet\.test\.txt\]\/ensure: changed \[redacted\] to \[redacted\]/);
  // 2. The operator signs; the agents converge and their reports are stored.
  assert.equal(cli('ca', 'sign', a1.name, a2.name).status, 0);
  for (const a of [a1, a2]) {
    const r = agent(a);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(work, `out-${a.name}.txt`)));
  }
  const again = agent(a1);
  assert.match(again.stdout, /0 changed/);
  const nodes = JSON.parse(cli('node', 'list', '--format', 'json').stdout) as { name: string; reportStatus: string; failing: boolean }[];
  assert.deepEqual(nodes.map((n) => n.name).sort(), [a1.name, a2.name, a3.name]);
  assert.ok(nodes.every((n) => !n.failing));
  // 3. A node may only get its own catalog; without a certificate, nothing.
  const other = await call('POST', `/puppet/v3/catalog/${a3.name}`, a1.name, JSON.stringify({ facts: { values: { os: { family: 'Debian' } } } }));
  assert.equal(other.status, 403);
  const own = await call('POST', `/puppet/v3/catalog/${a1.name}`, a1.name, JSON.stringify({ facts: { values: { os: { family: 'Debian' } } } }));
  assert.equal(own.status, 200);
  assert.equal(JSON.parse(own.text).name, a1.name);
  // What Puppet's own agent sends: URL-encoded facts.
  const form = new URLSearchParams({ facts_format: 'application/json', facts: JSON.stringify({ values: { os: { family: 'Debian' } } }) }).toString();
  const formed = await call('POST', `/puppet/v3/catalog/${a1.name}`, a1.name, form, 'application/x-www-form-urlencoded');
  assert.equal(formed.status, 200);
  assert.equal(JSON.parse(formed.text).name, a1.name);
  assert.equal((await call('POST', `/puppet/v3/catalog/${a1.name}`, a1.name, 'facts=%7Bnope', 'application/x-www-form-urlencoded')).status, 400);
  const anonymous = await call('POST', `/puppet/v3/catalog/${a1.name}`, null, JSON.stringify({ facts: {} }));
  assert.equal(anonymous.status, 401);
  // 4. Revoke agent 2: its next run is refused and says why; as Puppet's agent, it applies
  // nothing, not even its cached catalog (its master disowned it). The others go on.
  assert.equal(cli('ca', 'revoke', a2.name).status, 0);
  const refused = agent(a2);
  assert.match(refused.stderr, /The certificate of agent2\.fleet\.test has been revoked/);
  assert.doesNotMatch(refused.stderr, /CACHED CATALOG/);
  assert.notEqual(refused.status, 0);
  assert.equal((await call('POST', `/puppet/v3/catalog/${a2.name}`, a2.name, JSON.stringify({ facts: { values: {} } }))).status, 401);
  assert.equal(agent(a1).status, 0);
  assert.equal(agent(a3).status, 0);
  // 5. Bad input is answered and stored nowhere; the master keeps serving.
  assert.equal((await call('PUT', '/puppet-ca/v1/certificate_request/junk', null, 'not a csr', 'text/plain')).status, 400);
  assert.equal((await call('POST', `/puppet/v3/catalog/${a1.name}`, a1.name, '{"facts": ')).status, 400);
  // Too large: 413, or — when the master has answered and closed while the client was still
  // writing — the connection reset under the client (the answer never read), as with any server.
  const huge = await call('POST', `/puppet/v3/catalog/${a1.name}`, a1.name, 'x'.repeat(20 * 1024 * 1024));
  assert.ok(huge.status === 413 || (huge.status === 0 && /EPIPE|ECONNRESET|socket hang up/.test(huge.text)), `${huge.status} ${huge.text.slice(0, 200)}`);
  assert.equal((await call('PUT', `/puppet/v3/report/${a1.name}`, a1.name, '{"nope": true}')).status, 400);
  assert.equal((await call('POST', `/puppet/v3/catalog/${a1.name}`, a1.name, '<xml/>', 'application/xml')).status, 415);
  const hangup = spawnSync('sh', ['-c', `exec 3<>/dev/tcp/${MASTER_IP}/${PORT}; printf '\\x16\\x03\\x01' >&3; exec 3>&-`]);
  void hangup;
  assert.equal((await call('GET', '/status/v1/simple', null)).text, 'running');
  assert.equal(agent(a1).status, 0);
  const reports = cli('report', 'list', '--node', a1.name).stdout.trim().split('\n');
  assert.ok(reports.length >= 4);
});
