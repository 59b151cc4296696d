// A real master receives 200 CSRs over HTTPS and autosigns half of them (a glob) while
// `kasper ca sign --all`, run again and again in other processes, signs the rest: two processes
// writing one CA. Every certificate must get its own serial, and the inventory must say so — one
// line per certificate, no serial twice, all 200 signed in the end.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { generateKeyPair, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority, makeCsr } from '@kasper/ca';
import { startMaster } from '@kasper/master';

const work = mkdtempSync(join(tmpdir(), 'kasper-ca-race-'));
after(() => rmSync(work, { recursive: true, force: true }));
const kasper = fileURLToPath(new URL('../../packages/cli/bin/kasper.js', import.meta.url));

const keyPair = () => new Promise<{ keyPem: string; publicPem: string }>((resolve, reject) => {
  // Asynchronous: the keys are made on libuv's threads, several at once.
  generateKeyPair('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  }, (err, publicPem, keyPem) => (err ? reject(err) : resolve({ keyPem, publicPem })));
});

function put(url: string, agent: Agent, name: string, csr: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/puppet-ca/v1/certificate_request/${name}`, {
      method: 'PUT', agent, rejectUnauthorized: false, headers: { 'content-type': 'text/plain' },
    }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(csr);
  });
}

function signAll(confdir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [kasper, 'ca', 'sign', '--all', '--confdir', confdir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

test('the master autosigning and `kasper ca sign --all` at once: unique serials, a consistent inventory', { timeout: 120_000 }, async () => {
  const confdir = join(work, 'conf');
  const environmentpath = join(work, 'envs');
  mkdirSync(join(environmentpath, 'production', 'manifests'), { recursive: true });
  writeFileSync(join(environmentpath, 'production', 'manifests', 'site.pp'), '');
  const master = await startMaster({
    confdir, vardir: join(work, 'var'), bind: '127.0.0.1', port: 0, certname: 'master.test', dnsAltNames: [],
    environmentpath, basemodulepath: [], compileWorkers: 1, autosign: { allow: ['*.auto.test'] },
  });
  after(() => master.close());
  const names = Array.from({ length: 200 }, (_, i) => `node${String(i).padStart(3, '0')}.${i % 2 ? 'manual' : 'auto'}.test`);
  const keys = await Promise.all(names.map(() => keyPair()));
  const csrs = names.map((n, i) => makeCsr(n, keys[i]!.keyPem, keys[i]!.publicPem));

  // The operator signs whatever is pending, again and again, while the requests arrive.
  let submitting = true;
  const cliRuns: { code: number | null; out: string; err: string }[] = [];
  const operator = (async () => {
    while (submitting) cliRuns.push(await signAll(confdir));
  })();
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const answers = await Promise.all(names.map(async (n, i) => {
    // Spread the requests over the operator's runs rather than all before the first.
    await new Promise((r) => setTimeout(r, i * 10));
    return put(master.url, agent, n, csrs[i]!);
  }));
  agent.destroy();
  submitting = false;
  await operator;
  cliRuns.push(await signAll(confdir)); // whatever arrived during the last run
  for (const [i, a] of answers.entries()) assert.equal(a.status, 200, `${names[i]}: ${a.status} ${a.body}`);
  for (const r of cliRuns) assert.doesNotMatch(r.err, /Error|busy|at .*\.ts/, r.err);
  assert.ok(cliRuns.length >= 2, `the CLI ran ${cliRuns.length} times`);

  const ca = new CertificateAuthority(confdir);
  assert.deepEqual(ca.list(), [], 'requests left pending');
  const certs = new Map(names.map((n) => [n, new X509Certificate(ca.certificatePem(n) ?? assert.fail(`${n} is not signed`))]));
  for (const [n, cert] of certs) {
    assert.equal(cert.subject, `CN=${n}`);
    assert.equal(cert.publicKey.export({ type: 'spki', format: 'pem' }), keys[names.indexOf(n)]!.publicPem, `${n} was signed for another key`);
  }
  const serials = [...certs.values()].map((c) => BigInt(`0x${c.serialNumber}`));
  assert.equal(new Set(serials).size, names.length, 'two certificates share a serial');

  // The inventory: one line per certificate (the master's own too), serials unique and the certificates'.
  const lines = readFileSync(join(ca.dir, 'inventory.txt'), 'utf8').split('\n').filter(Boolean);
  const entries = lines.map((l) => {
    const m = /^0x([0-9A-F]+) (\S+) (\S+) \/CN=(\S+)$/.exec(l);
    assert.ok(m, `a damaged inventory line: ${l}`);
    return { serial: BigInt(`0x${m[1]}`), name: m[4]! };
  });
  assert.equal(entries.length, names.length + 1);
  assert.equal(new Set(entries.map((e) => e.serial)).size, entries.length, 'a serial appears twice in the inventory');
  assert.deepEqual(entries.map((e) => e.name).sort(), [...names, 'master.test'].sort());
  for (const [n, cert] of certs) assert.equal(entries.find((e) => e.name === n)!.serial, BigInt(`0x${cert.serialNumber}`), n);
  // The serial counter is past every serial handed out.
  const next = BigInt(`0x${readFileSync(join(ca.dir, 'serial'), 'utf8').trim()}`);
  assert.ok(entries.every((e) => e.serial < next));
});
