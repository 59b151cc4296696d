// Certificate renewal through a master that is not the CA, over real TLS: the CA master and a
// master started with caServer (which asks the CA master for its certificate, signed here as an
// operator would), and an agent renewing as Puppet's agent does (POST certificate_renewal with
// its current certificate). The forwarding master vouches for the certificate the agent showed
// it; nothing in the request picks whose certificate is renewed, and only a master may vouch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMaster, type Master } from '../src/index.ts';

const work = mkdtempSync(join(tmpdir(), 'kasper-renewal-'));
const BALANCER = 'puppet.renewal.test';
let ca: Master;
let compile: Master;

function config(name: string) {
  mkdirSync(join(work, name, 'envs/production/manifests'), { recursive: true });
  return {
    confdir: join(work, name, 'conf'), vardir: join(work, name, 'var'), bind: '127.0.0.1', port: 0, certname: name,
    dnsAltNames: [BALANCER], environmentpath: join(work, name, 'envs'), basemodulepath: [], compileWorkers: 1, gcInterval: 0,
  };
}

before(async () => {
  ca = await startMaster(config('ca.renewal.test'), { log: () => {} });
  // The second master waits for the operator to sign its request (with its alt names).
  const starting = startMaster({ ...config('compile.renewal.test'), caServer: ca.url }, { log: () => {} });
  for (let i = 0; !ca.ca!.list().some((c) => c.name === 'compile.renewal.test' && c.state === 'requested'); i++) {
    assert.ok(i < 200, 'the second master asked for its certificate');
    await new Promise((r) => setTimeout(r, 50));
  }
  ca.ca!.sign('compile.renewal.test', { allowDnsAltNames: true });
  compile = await starting;
});

after(async () => {
  await compile?.close();
  await ca?.close();
  rmSync(work, { recursive: true, force: true });
});

interface Client {
  keyPem?: string;
  certPem?: string;
}

/** A request over TLS to master `m`, as a client with `who`'s key and certificate. */
function tlsCall(m: Master, who: Client, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const u = new URL(m.url);
  return new Promise((resolve, reject) => {
    const req = request({
      host: u.hostname, port: u.port, method, path, headers,
      key: who.keyPem, cert: who.certPem, ca: ca.ca!.caCertPem(), checkServerIdentity: () => undefined, agent: false,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '' : undefined);
  });
}

/** A POST to certificate_renewal over TLS, as a client with `who`'s key and certificate. */
function renew(m: Master, who: Client, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return tlsCall(m, who, 'POST', '/puppet-ca/v1/certificate_renewal', { 'content-type': 'text/plain', accept: 'text/plain', ...headers });
}

test('an agent renews its certificate through a master that is not the CA', async () => {
  const agent = ca.ca!.generate('agent.renewal.test');
  const r = await renew(compile, agent);
  assert.equal(r.status, 200, r.text);
  const before = new X509Certificate(agent.certPem);
  const renewed = new X509Certificate(r.text);
  assert.equal(renewed.subject, before.subject);
  assert.ok(renewed.publicKey.equals(before.publicKey), 'the same key');
  assert.notEqual(renewed.serialNumber, before.serialNumber);
  assert.ok(renewed.checkIssued(new X509Certificate(ca.ca!.caCertPem())) && renewed.verify(new X509Certificate(ca.ca!.caCertPem()).publicKey));
  assert.equal(ca.ca!.certificatePem('agent.renewal.test'), r.text, 'the CA holds the new certificate as current');

  // The renewed certificate is the one to renew next; the old one is no longer current.
  const again = await renew(compile, { keyPem: agent.keyPem, certPem: r.text });
  assert.equal(again.status, 200, again.text);
  const stale = await renew(compile, agent);
  assert.equal(stale.status, 403);
  assert.match(stale.text, /KSP-CA-013/);
});

test("the request cannot pick whose certificate is renewed; only a master vouches for another's", async () => {
  const victim = ca.ca!.generate('victim.renewal.test');
  const mallory = ca.ca!.generate('mallory.renewal.test');
  const forged = { 'x-kasper-renewal-for': new X509Certificate(victim.certPem).raw.toString('base64') };

  // Straight to the CA master: a node is no master, whatever header it sends.
  const direct = await renew(ca, mallory, forged);
  assert.equal(direct.status, 403, direct.text);
  assert.match(direct.text, /KSP-MASTER-022/);
  assert.match(direct.text, new RegExp(BALANCER.replace(/\./g, '\\.')));

  // Through the other master: the header is not passed on; the master vouches for the
  // certificate the client showed, so mallory renews her own.
  const through = await renew(compile, mallory, forged);
  assert.equal(through.status, 200, through.text);
  assert.equal(new X509Certificate(through.text).subject, 'CN=mallory.renewal.test');
  assert.equal(ca.ca!.certificatePem('victim.renewal.test'), victim.certPem, "the victim's certificate is untouched");

  // No certificate, no renewal.
  const anonymous = await renew(compile, {});
  assert.equal(anonymous.status, 401, anonymous.text);
});

test('CA administration stays with the CA master: the other master names it', async () => {
  const agent = ca.ca!.generate('admin.renewal.test');
  const r = await tlsCall(compile, agent, 'GET', '/puppet-ca/v1/certificate_status/agent.renewal.test');
  assert.equal(r.status, 503);
  assert.match(r.text, /KSP-MASTER-021/);
});
