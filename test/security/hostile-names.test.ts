// Every route the master serves, taken from the fastify instance itself (a route added later is
// covered without editing this file), gets hostile names in each of its path parameters and in
// its environment: traversal in every spelling, absolute paths, NUL, backslashes, very long
// names, upper case, look-alike letters. Each must be refused (400/403/404), and no answer may
// carry a private key, a CSR, or a file from outside the folders the route serves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, makeCsr } from '@kasper/ca';
import { type BuiltMaster } from '@kasper/master';
import { buildHeaderMaster } from '../../test/support/master.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-hostile-'));
const SECRET = 'TOP-SECRET-OUTSIDE-ANY-FOLDER';
let master: BuiltMaster;
let agentCsr: string;

const HOSTILE = [
  '..', '.', '%2e%2e', '%2E%2E', '..%2f..%2fca%2fca_key', '..%2Fca_key', '..%252fca_key', '%252e%252e%252fca_key',
  '%2f', '%2fetc%2fpasswd', `%2f${encodeURIComponent(work.slice(1))}%2fsecret`, `..%2f..%2f..%2f..%2f..%2f..%2f..%2f..${encodeURIComponent(work)}%2fsecret.txt`,
  '%00', 'agent.test%00.pem', '..%5c..%5cca%5cca_key', '%5cetc%5cpasswd', 'a'.repeat(5000), 'AGENT.TEST', 'Production',
  encodeURIComponent('ａgent.test'), encodeURIComponent('agent\u2024test'), '..%c0%af..%c0%afca_key', '%0d%0aX-Injected:%20yes',
  encodeURIComponent('\u001b[2J'), 'ca_key', 'ca_crt', '~root', '*', '%2a',
];

const leaked = (body: string) =>
  /PRIVATE KEY|CERTIFICATE REQUEST|root:x:0:0|X-Injected/.test(body) || body.includes(SECRET);

before(async () => {
  const env = join(work, 'envs/production');
  mkdirSync(join(env, 'manifests'), { recursive: true });
  mkdirSync(join(env, 'modules/m/files'), { recursive: true });
  writeFileSync(join(env, 'manifests/site.pp'), "notify { 'hi': }\n");
  writeFileSync(join(env, 'modules/m/files/ok.txt'), 'ok\n');
  // Files an attacker would like: outside every served folder, and shaped like a module.
  writeFileSync(join(work, 'secret.txt'), SECRET);
  mkdirSync(join(work, 'somewhere/files'), { recursive: true });
  writeFileSync(join(work, 'somewhere/files/secret.txt'), SECRET);
  master = await buildHeaderMaster(work);
  const key = generateKey(2048);
  agentCsr = makeCsr('agent.test', key.keyPem, key.publicPem);
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A body each route accepts when its names are good, so only the name is wrong. */
function bodyFor(method: string, url: string): { payload?: string; contentType?: string } {
  if (url.includes('certificate_request')) return { payload: agentCsr, contentType: 'text/plain' };
  if (url.includes('/catalog/')) return { payload: JSON.stringify({ facts: { values: { os: { family: 'Debian' } } } }), contentType: 'application/json' };
  if (url.includes('/report/')) return { payload: JSON.stringify({ status: 'unchanged', time: new Date().toISOString() }), contentType: 'application/json' };
  if (url.includes('/facts/')) return { payload: JSON.stringify({ values: {} }), contentType: 'application/json' };
  return method === 'GET' || method === 'HEAD' ? {} : { payload: '{}', contentType: 'application/json' };
}

/** The URL with each parameter replaced: good names first, then one hostile name at a time. */
function fill(url: string, values: Record<string, string>): string {
  return url.replace(/:(\w+)/g, (_m, p: string) => values[p] ?? 'agent.test').replace(/\*$/, values['*'] ?? 'm/ok.txt');
}
const GOOD: Record<string, string> = { name: 'agent.test', node: 'agent.test', mount: 'modules', '*': 'm/ok.txt' };

test('the route list comes from the server and covers every plugin', () => {
  const urls = new Set(master.routes.map((r) => r.url));
  for (const u of ['/puppet-ca/v1/certificate/:name', '/puppet/v3/catalog/:node', '/puppet/v3/file_content/:mount/*', '/puppet/v3/file_metadatas/:mount', '/metrics']) {
    assert.ok(urls.has(u), `${u} is served`);
  }
});

test('every route refuses hostile names in its parameters and environment, and leaks nothing', async () => {
  let probes = 0;
  for (const { method, url, query } of master.routes) {
    const params = [...url.matchAll(/:(\w+)/g)].map((m) => m[1]).concat(url.endsWith('*') ? ['*'] : []);
    const { payload, contentType } = bodyFor(method, url);
    const anonymous: Record<string, string> = contentType ? { 'content-type': contentType } : {};
    const headers = { ...anonymous, 'x-test-certname': 'agent.test' };
    // Each target carries exactly one hostile name, in a place the route reads.
    const targets: string[] = [];
    for (const p of params) for (const h of HOSTILE) targets.push(fill(url, { ...GOOD, [p]: h }));
    if (query.includes('environment')) for (const h of HOSTILE) targets.push(`${fill(url, GOOD)}?environment=${h}`);
    for (const target of targets) {
      for (const auth of [true, false]) {
        const res = await master.app.inject({ method: method as 'GET', url: target, payload, headers: auth ? headers : anonymous });
        probes++;
        const body = res.body;
        assert.ok(!leaked(body), `${method} ${target.slice(0, 300)} leaked: ${body.slice(0, 200)}`);
        assert.ok(!('x-injected' in res.headers), `${method} ${target} injected a header`);
        assert.ok([400, 401, 403, 404, 414].includes(res.statusCode), `${method} ${target.slice(0, 300)} (certificate: ${auth}) answered ${res.statusCode}: ${body.slice(0, 200)}`);
        if (res.statusCode >= 400 && method !== 'HEAD') assert.equal(typeof JSON.parse(body || '{}').message, 'string', `${method} ${target.slice(0, 300)}: an error body with a message`);
      }
    }
  }
  assert.ok(probes > 500, `only ${probes} probes`);
});

test('the same routes answer good names (the probes above can fail)', async () => {
  const h = { 'x-test-certname': 'agent.test' };
  assert.equal((await master.app.inject({ method: 'GET', url: '/puppet-ca/v1/certificate/master.test' })).statusCode, 200);
  assert.equal((await master.app.inject({ method: 'GET', url: '/puppet/v3/file_content/modules/m/ok.txt', headers: h })).body, 'ok\n');
  const cat = await master.app.inject({ method: 'POST', url: '/puppet/v3/catalog/agent.test?environment=production', headers: { ...h, 'content-type': 'application/json' }, payload: bodyFor('POST', '/catalog/').payload });
  assert.equal(cat.statusCode, 200, cat.body);
  assert.equal((await master.app.inject({ method: 'PUT', url: '/puppet-ca/v1/certificate_request/agent.test', headers: { 'content-type': 'text/plain' }, payload: agentCsr })).statusCode, 200);
});
