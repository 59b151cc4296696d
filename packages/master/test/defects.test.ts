// One test per defect a probe of the master found (the CA's own are in packages/ca/test).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, makeCsr } from '@kasper/ca';
import { type BuiltMaster } from '../src/index.ts';
import { buildHeaderMaster } from '../../../test/support/master.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-defects-'));
let master: BuiltMaster;
const AS_AGENT = { 'x-test-certname': 'agent.test' };

before(async () => {
  mkdirSync(join(work, 'envs/production/manifests'), { recursive: true });
  writeFileSync(join(work, 'envs/production/manifests/site.pp'), "notify { 'hi': }\n");
  mkdirSync(join(work, 'somewhere/files'), { recursive: true });
  writeFileSync(join(work, 'somewhere/files/secret.txt'), 'SECRET');
  master = await buildHeaderMaster(work);
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

test('1. a module name cannot point file_content or file_metadata at another folder', async () => {
  const mod = encodeURIComponent(join(work, 'somewhere'));
  for (const kind of ['file_content', 'file_metadata']) {
    for (const m of [mod, '..', '..%2f..%2fsomewhere', 'Somewhere']) {
      const res = await master.app.inject({ method: 'GET', url: `/puppet/v3/${kind}/modules/${m}/secret.txt`, headers: AS_AGENT });
      assert.ok([400, 404].includes(res.statusCode), `${kind} ${m}: ${res.statusCode}`);
      assert.doesNotMatch(res.body, /SECRET/);
    }
  }
});

test('9. facts nested thousands of levels deep are refused with a message, and the master goes on', async () => {
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  for (const [method, url, payload] of [
    ['POST', '/puppet/v3/catalog/agent.test', `{"facts":{"values":${deep}}}`],
    ['PUT', '/puppet/v3/facts/agent.test', `{"values":${deep}}`],
    ['PUT', '/puppet/v3/report/agent.test', `{"status":"changed","time":"2026-01-01T00:00:00Z","logs":${deep}}`],
  ] as const) {
    const res = await master.app.inject({ method, url, payload, headers: { ...AS_AGENT, 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.match(JSON.parse(res.body).message, /nests deeper than \d+ levels/);
  }
  const ok = await master.app.inject({ method: 'POST', url: '/puppet/v3/catalog/agent.test', payload: '{"facts":{"values":{"a":{"b":1}}}}', headers: { ...AS_AGENT, 'content-type': 'application/json' } });
  assert.equal(ok.statusCode, 200, ok.body);
});

test('10. state folders are 0700 and the database 0600', async () => {
  // A report written, so SQLite has its write-ahead log too.
  await master.app.inject({ method: 'PUT', url: '/puppet/v3/report/agent.test', payload: '{"status":"changed","time":"2026-01-01T00:00:00Z"}', headers: { ...AS_AGENT, 'content-type': 'application/json' } });
  const mode = (p: string) => statSync(p).mode & 0o777;
  assert.equal(mode(join(work, 'var')), 0o700);
  assert.equal(mode(join(work, 'var/log')), 0o700);
  assert.equal(mode(join(work, 'conf/ssl/private_keys')), 0o700);
  assert.equal(mode(join(work, 'conf/ssl/private_keys/master.test.pem')), 0o600);
  for (const f of ['kasper.db', 'kasper.db-wal']) assert.equal(mode(join(work, 'var', f)), 0o600, f);
});

test('errors answer in Puppet\'s shape (message, issue_kind) with Kasper\'s code', async () => {
  const res = await master.app.inject({ method: 'POST', url: '/puppet/v3/catalog/other.test', payload: '{"facts":{}}', headers: { ...AS_AGENT, 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 403);
  const body = JSON.parse(res.body);
  assert.deepEqual(Object.keys(body).sort(), ['code', 'issue_kind', 'message']);
  assert.equal(body.code, 'KSP-MASTER-002');
  const anon = await master.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(anon.statusCode, 401);
});

test('3. the CSR route stores nothing for a CSR that names someone else, and says pending when it is', async () => {
  const key = generateKey(2048);
  const put = (url: string, csr: string) => master.app.inject({ method: 'PUT', url, payload: csr, headers: { 'content-type': 'text/plain' } });
  const other = await put('/puppet-ca/v1/certificate_request/victim.test', makeCsr('attacker.test', key.keyPem, key.publicPem));
  assert.equal(other.statusCode, 400);
  assert.equal(master.ca!.requestPem('attacker.test'), undefined);
  assert.equal(master.ca!.requestPem('victim.test'), undefined);
  const own = await put('/puppet-ca/v1/certificate_request/pending.test', makeCsr('pending.test', key.keyPem, key.publicPem));
  assert.equal(own.statusCode, 200);
  assert.equal(own.body, 'pending');
  // 2. Another key for the same pending name is refused, with puppetserver's wording.
  const key2 = generateKey(2048);
  const again = await put('/puppet-ca/v1/certificate_request/pending.test', makeCsr('pending.test', key2.keyPem, key2.publicPem));
  assert.equal(again.statusCode, 400);
  assert.match(JSON.parse(again.body).message, /already has a requested certificate; ignoring certificate request/);
});
