// The routes stock Puppet 7 agents use, as they use them (inject, no network): node
// classification, catalogs from forms with twice-encoded facts and from query strings, the file
// server's mounts with recursion, reports answered as puppetserver does, environments.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, makeCsr } from '@kasper/ca';
import { type BuiltMaster } from '../src/index.ts';
import { buildHeaderMaster } from '../../../test/support/master.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-puppet-api-'));
let master: BuiltMaster;
const H = { 'x-test-certname': 'agent.test' };
/** Puppet::Util.uri_query_encode: CGI.escape with %20 for spaces. */
const puppetEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

before(async () => {
  // An environment whose environment.conf moves its modules (as Puppet reads it).
  mkdirSync(join(work, 'envs/confd/manifests'), { recursive: true });
  writeFileSync(join(work, 'envs/confd/environment.conf'), '# modules live elsewhere\nmodulepath = site:$basemodulepath\n');
  writeFileSync(join(work, 'envs/confd/manifests/site.pp'), 'include role\n');
  mkdirSync(join(work, 'envs/confd/site/role/manifests'), { recursive: true });
  writeFileSync(join(work, 'envs/confd/site/role/manifests/init.pp'), "class role { notify { \"trusted=${trusted['hostname']}/${trusted['domain']}/${trusted['authenticated']}\": } }\n");
  for (const env of ['production', 'staging']) {
    mkdirSync(join(work, 'envs', env, 'manifests'), { recursive: true });
    // An exported resource: stored for other nodes to collect, never sent to this node's agent.
    writeFileSync(join(work, 'envs', env, 'manifests/site.pp'), `notify { "env=\${environment} role=\${role}": }\n@@host { "exported-\${environment}": ip => '192.0.2.1' }\n`);
  }
  mkdirSync(join(work, 'envs/serverfacts/manifests'), { recursive: true });
  writeFileSync(join(work, 'envs/serverfacts/manifests/site.pp'),
    'notify { "server_facts=${server_facts} servername=${servername} serverip=${serverip} serverip6=${serverip6} serverversion=${serverversion}": }\n');
  const mod = join(work, 'envs/production/modules/web');
  mkdirSync(join(mod, 'manifests'), { recursive: true });
  writeFileSync(join(mod, 'manifests/init.pp'), "class web($port = 80) { notify { \"port=${port}\": } }\n");
  mkdirSync(join(mod, 'files/conf.d/.git'), { recursive: true });
  writeFileSync(join(mod, 'files/conf.d/a.conf'), 'a\n');
  writeFileSync(join(mod, 'files/conf.d/.git/HEAD'), 'x\n');
  mkdirSync(join(mod, 'lib/facter'), { recursive: true });
  writeFileSync(join(mod, 'lib/facter/web_fact.rb'), "Facter.add(:web_fact) { setcode { 'yes' } }\n");
  mkdirSync(join(mod, 'facts.d'), { recursive: true });
  writeFileSync(join(mod, 'facts.d/role.txt'), 'role=web\n');
  const enc = join(work, 'enc.sh');
  writeFileSync(enc, '#!/bin/sh\ncase "$1" in\n  confd.test) echo "{}" ;;\n  sf.test) printf "environment: serverfacts\\n" ;;\n  staged.test) printf "environment: staging\\nparameters:\\n  role: db\\n" ;;\n  *) printf "classes:\\n  web:\\n    port: 8080\\nparameters:\\n  role: web\\n" ;;\nesac\n');
  chmodSync(enc, 0o755);
  master = await buildHeaderMaster(work, { externalNodes: enc, host: { fqdn: 'puppet.example.com', ipaddress: '192.0.2.10' } });
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

test('node: the classifier\'s environment, classes and parameters', async () => {
  const res = await master.app.inject({ method: 'GET', url: '/puppet/v3/node/agent.test?environment=production&configured_environment=production&transaction_uuid=x', headers: H });
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(JSON.parse(res.body), { name: 'agent.test', environment: 'production', classes: { web: { port: 8080 } }, parameters: { role: 'web' } });
  const staged = await master.app.inject({ method: 'GET', url: '/puppet/v3/node/staged.test?environment=production', headers: { 'x-test-certname': 'staged.test' } });
  assert.equal(JSON.parse(staged.body).environment, 'staging');
  assert.equal((await master.app.inject({ method: 'GET', url: '/puppet/v3/node/other.test', headers: H })).statusCode, 403);
});

test('catalog: a Puppet 7 form with twice-encoded facts, compiled with the classifier\'s classes', async () => {
  const facts = JSON.stringify({ name: 'agent.test', values: { os: { family: 'Debian' }, note: 'a b+c%d' }, timestamp: '2026-01-01T00:00:00Z' });
  const form = { facts_format: 'application/json', facts: puppetEncode(facts), environment: 'production', configured_environment: 'production', check_environment: 'false', transaction_uuid: 'u', job_uuid: '', static_catalog: 'true', checksum_type: 'sha256.md5' };
  const payload = Object.entries(form).map(([k, v]) => `${k}=${puppetEncode(v)}`).join('&');
  const res = await master.app.inject({ method: 'POST', url: '/puppet/v3/catalog/agent.test?environment=production', payload, headers: { ...H, 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.statusCode, 200, res.body);
  const titles = JSON.parse(res.body).resources.map((r: { title: string }) => r.title);
  assert.ok(titles.includes('port=8080'), titles.join(', '));
  assert.ok(titles.includes('env=production role=web'), titles.join(', '));
  // Puppet's agents never get exported resources; the stored catalog keeps them for collectors.
  assert.ok(!titles.includes('exported-production'), titles.join(', '));
  const [kept] = await master.storage.catalogs('agent.test', 1);
  assert.ok(JSON.parse(kept.catalog).resources.some((r: { title: string; exported: boolean }) => r.title === 'exported-production' && r.exported));
  // The facts arrived decoded, with their spaces, pluses and percent signs.
  const stored = await master.storage.getFacts('agent.test');
  assert.equal((stored as { note?: string } | undefined)?.note, 'a b+c%d');
});

test('catalog: the master\'s server facts, as a Puppet 7 master sets them (its version, name and address; top-scope variables too)', async () => {
  const facts = JSON.stringify({ name: 'sf.test', values: { os: { family: 'Debian' } } });
  const res = await master.app.inject({
    method: 'POST', url: '/puppet/v3/catalog/sf.test?environment=production', headers: { 'x-test-certname': 'sf.test', 'content-type': 'application/x-www-form-urlencoded' },
    payload: `facts_format=application%2Fjson&facts=${puppetEncode(facts)}`,
  });
  assert.equal(res.statusCode, 200, res.body);
  const titles = JSON.parse(res.body).resources.map((r: { title: string }) => r.title);
  assert.ok(titles.includes('server_facts={serverversion => 7.23.0, servername => puppet.example.com, serverip => 192.0.2.10, environment => serverfacts} '
    + 'servername=puppet.example.com serverip=192.0.2.10 serverip6= serverversion=7.23.0'), titles.join('\n'));
});

test('catalog: the classifier\'s environment wins; the query-string form works too', async () => {
  const q = `facts_format=application%2Fjson&facts=${puppetEncode(puppetEncode(JSON.stringify({ values: {} })))}&environment=production`;
  const res = await master.app.inject({ method: 'GET', url: `/puppet/v3/catalog/staged.test?${q}`, headers: { 'x-test-certname': 'staged.test' } });
  assert.equal(res.statusCode, 200, res.body);
  const catalog = JSON.parse(res.body);
  assert.equal(catalog.environment, 'staging');
  assert.ok(catalog.resources.some((r: { title: string }) => r.title === 'env=staging role=db'));
});

test('file server: pluginsync, pluginfacts and a recursive module source with ignore', async () => {
  const get = (url: string) => master.app.inject({ method: 'GET', url, headers: H });
  const probe = await get('/puppet/v3/file_metadatas/plugins?recurse=false&links=follow&checksum_type=sha256&source_permissions=ignore&environment=production&max_files=-1');
  assert.equal(probe.statusCode, 200, probe.body);
  assert.equal(JSON.parse(probe.body)[0].relative_path, '.');
  const plugins = JSON.parse((await get('/puppet/v3/file_metadatas/plugins?recurse=true&ignore=.svn&ignore=CVS&ignore=.git&links=follow&checksum_type=sha256&environment=production')).body);
  const file = plugins.find((m: { relative_path: string }) => m.relative_path === 'facter/web_fact.rb');
  assert.ok(file, JSON.stringify(plugins));
  assert.equal(file.type, 'file');
  assert.match(file.checksum.value, /^\{sha256\}[0-9a-f]{64}$/);
  assert.equal((await get('/puppet/v3/file_content/plugins/facter/web_fact.rb?environment=production')).body, "Facter.add(:web_fact) { setcode { 'yes' } }\n");
  const facts = JSON.parse((await get('/puppet/v3/file_metadatas/pluginfacts?recurse=true&environment=production')).body);
  assert.deepEqual(facts.map((m: { relative_path: string }) => m.relative_path), ['.', 'role.txt']);
  const dir = JSON.parse((await get('/puppet/v3/file_metadatas/modules/web/conf.d?recurse=true&ignore=.git&links=manage&checksum_type=md5&environment=production')).body);
  assert.deepEqual(dir.map((m: { relative_path: string; type: string }) => `${m.relative_path}:${m.type}`), ['.:directory', 'a.conf:file']);
  assert.equal(dir[1].checksum.value, '{md5}60b725f10c9c85c70d97880dfe8191b3');
  assert.equal((await get('/puppet/v3/file_metadata/modules/web/nope?environment=production')).statusCode, 404);
});

test('report: stored, and answered as the list puppetserver sends', async () => {
  const res = await master.app.inject({ method: 'PUT', url: '/puppet/v3/report/agent.test?environment=production', payload: JSON.stringify({ host: 'agent.test', status: 'changed', time: '2026-01-01T00:00:00Z' }), headers: { ...H, 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 200);
  assert.ok(Array.isArray(JSON.parse(res.body)));
});

test('environments: every environment with its modulepath', async () => {
  const res = JSON.parse((await master.app.inject({ method: 'GET', url: '/puppet/v3/environments', headers: H })).body);
  assert.deepEqual(Object.keys(res.environments), ['confd', 'production', 'serverfacts', 'staging']);
  assert.equal(res.environments.production.settings.modulepath[0], join(work, 'envs/production/modules'));
});

test('file bucket: a backup is stored by checksum, found again, and a wrong checksum is refused', async () => {
  const content = 'old contents\n';
  const sum = createHash('sha256').update(content).digest('hex');
  const url = `/puppet/v3/file_bucket_file/sha256/${sum}//etc/app.conf?environment=production`;
  const put = await master.app.inject({ method: 'PUT', url, payload: content, headers: { ...H, 'content-type': 'application/octet-stream' } });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal((await master.app.inject({ method: 'HEAD', url: `/puppet/v3/file_bucket_file/sha256/${sum}//etc/app.conf`, headers: H })).statusCode, 200);
  assert.equal((await master.app.inject({ method: 'GET', url: `/puppet/v3/file_bucket_file/sha256/${sum}`, headers: H })).body, content);
  const other = createHash('sha256').update('x').digest('hex');
  assert.equal((await master.app.inject({ method: 'HEAD', url: `/puppet/v3/file_bucket_file/sha256/${other}`, headers: H })).statusCode, 404);
  const lie = await master.app.inject({ method: 'PUT', url: `/puppet/v3/file_bucket_file/sha256/${other}`, payload: content, headers: { ...H, 'content-type': 'application/octet-stream' } });
  assert.equal(lie.statusCode, 400);
  assert.equal((await master.app.inject({ method: 'GET', url: `/puppet/v3/file_bucket_file/sha256/${sum}` })).statusCode, 401);
});

test('certificate_status: the master (or a pp_cli_auth certificate) lists, signs, revokes and cleans; nodes may not', async () => {
  const key = generateKey(2048);
  const csr = makeCsr('new.test', key.keyPem, key.publicPem);
  assert.equal((await master.app.inject({ method: 'PUT', url: '/puppet-ca/v1/certificate_request/new.test', payload: csr, headers: { 'content-type': 'text/plain' } })).body, 'pending');
  const admin = { 'x-test-certname': 'master.test' };
  const pending = JSON.parse((await master.app.inject({ method: 'GET', url: '/puppet-ca/v1/certificate_status/new.test', headers: admin })).body);
  assert.equal(pending.state, 'requested');
  assert.match(pending.fingerprints.SHA256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.equal((await master.app.inject({ method: 'GET', url: '/puppet-ca/v1/certificate_status/new.test', headers: H })).statusCode, 403);
  const sign = await master.app.inject({ method: 'PUT', url: '/puppet-ca/v1/certificate_status/new.test', payload: { desired_state: 'signed' }, headers: admin });
  assert.equal(sign.statusCode, 204, sign.body);
  const listed = JSON.parse((await master.app.inject({ method: 'GET', url: '/puppet-ca/v1/certificate_statuses/any?state=signed', headers: admin })).body);
  assert.ok(listed.some((c: { name: string }) => c.name === 'new.test'));
  assert.equal((await master.app.inject({ method: 'PUT', url: '/puppet-ca/v1/certificate_status/new.test', payload: { desired_state: 'revoked' }, headers: admin })).statusCode, 204);
  assert.equal(JSON.parse((await master.app.inject({ method: 'GET', url: '/puppet-ca/v1/certificate_status/new.test', headers: admin })).body).state, 'revoked');
  assert.equal((await master.app.inject({ method: 'DELETE', url: '/puppet-ca/v1/certificate_status/new.test', headers: admin })).statusCode, 204);
  assert.equal((await master.app.inject({ method: 'GET', url: '/puppet-ca/v1/certificate_status/new.test', headers: admin })).statusCode, 404);
});

test('certificate_renewal: a node gets a new certificate for its own key', async () => {
  const { certPem } = master.ca!.generate('renew.test');
  const res = await master.app.inject({ method: 'POST', url: '/puppet-ca/v1/certificate_renewal', headers: { 'x-test-certname': 'renew.test' } });
  assert.equal(res.statusCode, 200, res.body);
  const before = new X509Certificate(certPem);
  const after = new X509Certificate(res.body);
  assert.equal(after.subject, before.subject);
  assert.notEqual(after.serialNumber, before.serialNumber);
  assert.ok(after.publicKey.equals(before.publicKey));
  assert.ok(after.checkIssued(new X509Certificate(master.ca!.caCertPem())));
});

test('status services answer for monitoring without a certificate', async () => {
  const res = JSON.parse((await master.app.inject({ method: 'GET', url: '/status/v1/services' })).body);
  assert.equal(res.master.state, 'running');
});

test('environment.conf is read as Puppet reads it: modules from its modulepath; $trusted split from the certname', async () => {
  const res = await master.app.inject({ method: 'POST', url: '/puppet/v3/catalog/confd.test?environment=confd', payload: '{"facts":{"values":{"hostname":"other","domain":"elsewhere"}}}', headers: { 'x-test-certname': 'confd.test', 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 200, res.body);
  const titles = JSON.parse(res.body).resources.map((r: { title: string }) => r.title);
  assert.ok(titles.includes('trusted=confd/test/remote'), titles.join(', '));
});

test('a compile failure answers with the compiler\'s own code and place, not a generic one', async () => {
  mkdirSync(join(work, 'envs/broken/manifests'), { recursive: true });
  writeFileSync(join(work, 'envs/broken/manifests/site.pp'), "include nosuchclass\n");
  const res = await master.app.inject({ method: 'POST', url: '/puppet/v3/catalog/confd.test?environment=broken', payload: '{"facts":{"values":{}}}', headers: { 'x-test-certname': 'confd.test', 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 500);
  const body = JSON.parse(res.body);
  assert.equal(body.code, 'KSP-CLASS-001');
  assert.match(body.message, /^Compile failed for confd\.test: Could not find class ::nosuchclass .*\(file: .*site\.pp, line: 1, column: 1\)$/);
});
