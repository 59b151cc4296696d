// The CA's private key, the master's private key and anything else outside the signed
// certificates must never come back from the open certificate route, however the name is spelt.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMaster, type Master } from '../src/index.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-keyleak-'));
let master: Master;

before(async () => {
  master = await startMaster({
    confdir: join(work, 'conf'), vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: 'master.test',
    dnsAltNames: [], environmentpath: join(work, 'envs'), basemodulepath: [], compileWorkers: 1,
  });
});
after(async () => {
  await master?.close();
  rmSync(work, { recursive: true, force: true });
});

/** Sends the path exactly as written: no client-side normalising of `..` or percent escapes. */
function get(path: string): Promise<{ status: number; body: string }> {
  const url = new URL(master.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the certificate route never serves a private key', async () => {
  const probes = [
    '/puppet-ca/v1/certificate/..%2fca_key',
    '/puppet-ca/v1/certificate/..%2Fca_key',
    '/puppet-ca/v1/certificate/..%2F..%2Fssl%2Fprivate_keys%2Fmaster.test',
    '/puppet-ca/v1/certificate/%2e%2e%2fca_key',
    '/puppet-ca/v1/certificate/..%252fca_key',
    '/puppet-ca/v1/certificate/..%5cca_key',
    '/puppet-ca/v1/certificate/%2fetc%2fpasswd',
  ];
  for (const p of probes) {
    const { status, body } = await get(p);
    assert.ok([400, 403, 404].includes(status), `${p} answered ${status}`);
    assert.doesNotMatch(body, /PRIVATE KEY/, `${p} leaked a key`);
    assert.doesNotMatch(body, /root:/, `${p} leaked a file`);
  }
  // The route itself still works for a real name.
  const ok = await get('/puppet-ca/v1/certificate/master.test');
  assert.equal(ok.status, 200);
  assert.match(ok.body, /BEGIN CERTIFICATE/);
});
