import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { CAError, CertificateAuthority, certificateExtensions, generateKey, globMatches, makeCsr, readCsr } from '../src/index.ts';

function freshCa() {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-ca-'));
  const ca = new CertificateAuthority(dir);
  ca.setup();
  return { dir, ca };
}

test('setup makes a CA certificate, a private key only root can read, and an empty CRL', () => {
  const { ca } = freshCa();
  const cert = new X509Certificate(ca.caCertPem());
  assert.equal(cert.ca, true);
  assert.equal(statSync(join(ca.dir, 'ca_key.pem')).mode & 0o777, 0o600);
  assert.match(ca.crlPem(), /BEGIN X509 CRL/);
});

test('a CSR is pending until signed; the certificate carries the right extensions', () => {
  const { ca } = freshCa();
  const key = generateKey();
  const csr = makeCsr('web01.example.com', key.keyPem, key.publicPem, { extensions: { pp_role: 'web' }, challengePassword: 's3cret' });
  assert.deepEqual(readCsr(csr).extensions, { pp_role: 'web' });
  assert.equal(readCsr(csr).challengePassword, 's3cret');
  ca.submit(csr);
  assert.deepEqual(ca.list().map((c) => `${c.name} ${c.state}`), ['web01.example.com requested']);
  assert.match(ca.list()[0].fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  const pem = ca.sign('web01.example.com');
  const cert = new X509Certificate(pem);
  assert.equal(cert.subject, 'CN=web01.example.com');
  assert.ok(cert.verify(new X509Certificate(ca.caCertPem()).publicKey));
  assert.match(cert.subjectAltName ?? '', /DNS:web01\.example\.com/);
  assert.equal(cert.ca, false);
  assert.deepEqual(certificateExtensions(pem), { pp_role: 'web' });
  assert.deepEqual(ca.list(true).map((c) => `${c.name} ${c.state}`), ['web01.example.com signed']);
  // Serials come from the inventory, one after the other.
  ca.submit(makeCsr('db01', key.keyPem, key.publicPem));
  const second = new X509Certificate(ca.sign('db01'));
  assert.equal(BigInt(`0x${second.serialNumber}`), BigInt(`0x${cert.serialNumber}`) + 1n);
});

test('DNS alt names need explicit approval; names and CSRs are checked', () => {
  const { ca } = freshCa();
  const key = generateKey();
  ca.submit(makeCsr('alt.example.com', key.keyPem, key.publicPem, { dnsAltNames: ['puppet', 'alt'] }));
  assert.throws(() => ca.sign('alt.example.com'), /asks for alt names/);
  assert.match(new X509Certificate(ca.sign('alt.example.com', { allowDnsAltNames: true })).subjectAltName!, /DNS:puppet/);
  assert.throws(() => ca.submit('-----BEGIN CERTIFICATE REQUEST-----\nnot base64\n-----END CERTIFICATE REQUEST-----\n'), CAError);
  assert.throws(() => ca.submit(makeCsr('Bad Name', key.keyPem, key.publicPem)), /Invalid certname/);
  assert.throws(() => ca.submit(makeCsr('alt.example.com', key.keyPem, key.publicPem)), /already has a signed certificate/);
});

test('IP alt names (IP:10.0.0.7, as dns_alt_names writes them) are asked for, listed, approved and signed as DNS ones', () => {
  const { dir, ca } = freshCa();
  // A request made by OpenSSL, as other tools (and Puppet's agent) make them.
  const key = generateKey();
  const keyFile = join(dir, 'ip-key.pem');
  writeFileSync(keyFile, key.keyPem);
  const pem = execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', '/CN=ip.example.com',
    '-addext', 'subjectAltName=DNS:alt.example.com,IP:10.0.0.7,IP:fd00::7'], { encoding: 'utf8' });
  assert.deepEqual(readCsr(pem).dnsAltNames, ['alt.example.com', 'IP:10.0.0.7', 'IP:fd00::7']);
  ca.submit(pem);
  assert.deepEqual(ca.list().find((c) => c.name === 'ip.example.com')?.dnsAltNames, ['alt.example.com', 'IP:10.0.0.7', 'IP:fd00::7']);
  assert.throws(() => ca.sign('ip.example.com'), /alt names/);
  const cert = new X509Certificate(ca.sign('ip.example.com', { allowDnsAltNames: true }));
  assert.equal(cert.subjectAltName, 'DNS:ip.example.com, DNS:alt.example.com, IP Address:10.0.0.7, IP Address:FD00:0:0:0:0:0:0:7');
  // A request for only an IP alt name is refused without approval too.
  const k2 = generateKey();
  ca.submit(makeCsr('ip2.example.com', k2.keyPem, k2.publicPem, { dnsAltNames: ['IP:192.0.2.1'] }));
  assert.throws(() => ca.sign('ip2.example.com'), /alt names/);
  // Kasper's own requests write IP:… as an IP address, not as a DNS name "IP:…".
  const text = execFileSync('openssl', ['req', '-noout', '-text'], { input: makeCsr('ip3.example.com', k2.keyPem, k2.publicPem, { dnsAltNames: ['IP:192.0.2.3', 'DNS:three', 'four'] }), encoding: 'utf8' });
  assert.match(text, /DNS:three, DNS:four|IP Address:192\.0\.2\.3, DNS:three, DNS:four/);
  assert.match(text, /IP Address:192\.0\.2\.3/);
});

test('revocation lands in a CRL that TLS itself enforces', async () => {
  const { ca } = freshCa();
  const server = ca.generate('master.example.com', ['localhost']);
  const client = ca.generate('agent.example.com');
  const listen = async (crl: string) => {
    const s = tls.createServer({ key: server.keyPem, cert: server.certPem, ca: ca.caCertPem(), crl, requestCert: true, rejectUnauthorized: true }, (sock) => sock.end('ok'));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return s;
  };
  const connect = (port: number) => new Promise<string>((resolve) => {
    const sock = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', key: client.keyPem, cert: client.certPem, ca: ca.caCertPem() }, () => {});
    let data = '';
    sock.on('data', (d) => (data += d));
    sock.on('end', () => resolve(data || 'closed'));
    sock.on('error', (e) => resolve(`error: ${e.message}`));
  });
  const before = await listen(ca.crlPem());
  assert.equal(await connect((before.address() as { port: number }).port), 'ok');
  before.close();
  ca.revoke('agent.example.com');
  assert.equal(ca.info('agent.example.com')!.state, 'revoked');
  const after = await listen(ca.crlPem());
  assert.notEqual(await connect((after.address() as { port: number }).port), 'ok');
  after.close();
  // OpenSSL reads the CRL and finds the serial.
  const crlFile = join(ca.dir, 'ca_crl.pem');
  const text = execFileSync('openssl', ['crl', '-in', crlFile, '-noout', '-text'], { encoding: 'utf8' });
  assert.match(text, new RegExp(`Serial Number: ${new X509Certificate(client.certPem).serialNumber}`, 'i'));
});

test('clean removes a node so it can ask again; autosign by glob and by policy executable', async () => {
  const { ca, dir } = freshCa();
  const key = generateKey();
  ca.submit(makeCsr('old.example.com', key.keyPem, key.publicPem));
  ca.sign('old.example.com');
  ca.clean('old.example.com');
  assert.equal(ca.info('old.example.com'), undefined);
  ca.submit(makeCsr('old.example.com', key.keyPem, key.publicPem));
  assert.equal(globMatches('*.example.com', 'a.example.com'), true);
  // As puppetserver: the domain itself matches its glob too.
  assert.equal(globMatches('*.example.com', 'example.com'), true);
  assert.equal(globMatches('*.example.com', 'badexample.com'), false);
  const policy = join(dir, 'policy.sh');
  writeFileSync(policy, '#!/bin/sh\ngrep -q "BEGIN CERTIFICATE REQUEST" && [ "$1" = "vm-42.cloud" ]\n', { mode: 0o755 });
  const csr = makeCsr('vm-42.cloud', key.keyPem, key.publicPem);
  ca.submit(csr, 'vm-42.cloud');
  assert.deepEqual(await ca.autosign('vm-42.cloud', csr, { policyExecutable: policy }), { signed: true, reason: 'policy exited 0' });
  assert.equal(ca.info('vm-42.cloud')!.state, 'signed');
  const other = makeCsr('intruder.cloud', key.keyPem, key.publicPem);
  ca.submit(other, 'intruder.cloud');
  assert.deepEqual(await ca.autosign('intruder.cloud', other, { policyExecutable: policy, allow: ['*.example.com'] }), { signed: false, reason: 'policy exited 1' });
  assert.equal(ca.info('intruder.cloud')!.state, 'requested');
});

test('serials stay positive past 0x7F (a leading 00 byte where the top bit is set)', () => {
  const { ca } = freshCa();
  writeFileSync(join(ca.dir, 'serial'), '7F\n');
  const key = generateKey();
  const serials = ['a.test', 'b.test'].map((n) => {
    ca.submit(makeCsr(n, key.keyPem, key.publicPem), n);
    return new X509Certificate(ca.sign(n)).serialNumber;
  });
  assert.deepEqual(serials.map((s) => BigInt(`0x${s}`)), [0x7fn, 0x80n]);
  ca.revoke('b.test');
  const text = execFileSync('openssl', ['crl', '-in', join(ca.dir, 'ca_crl.pem'), '-noout', '-text'], { encoding: 'utf8' });
  assert.match(text, /Serial Number: 80\b/);
});
