// The CA against a hostile or careless world: one test per item of the security review
// (duplicate CSRs, names checked before anything is written, one lock for every writer, authorization
// extensions, terminal escapes in what the CLI prints, `sign --all` going on past a bad request,
// the autosign policy's process group and concurrency, file modes, `ca setup --dns-alt-names`,
// Puppet's autosign globs) and the one safe join by which names become paths.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CAError, CertificateAuthority, certificateExtensions, generateKey, globMatches, makeCsr, readCsr } from '../src/index.ts';
import { main } from '../../cli/src/main.ts';
import { captureOutput } from '../../cli/src/output.ts';

const made: string[] = [];
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'kasper-ca-sec-'));
  made.push(d);
  return d;
}

function freshCa() {
  const confdir = tmp();
  const ca = new CertificateAuthority(confdir);
  ca.setup();
  return { confdir, ca };
}

const key = generateKey();
const otherKey = generateKey();

async function cli(...argv: string[]) {
  const out = captureOutput();
  const code = await main(argv, out);
  return { code, out: out.out, err: out.err };
}

const mode = (p: string) => statSync(p).mode & 0o777;

/** Whether a process is gone (a zombie nobody reaped counts as gone). */
function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

test('2: a pending request is not replaced by another key; the same request again is harmless; a signed name answers 400 as puppetserver', () => {
  const { ca } = freshCa();
  const first = makeCsr('dup.test', key.keyPem, key.publicPem);
  ca.submit(first, 'dup.test');
  const fingerprint = ca.info('dup.test')!.fingerprint;
  // Puppet agents submit again until they get a certificate: the same request is accepted.
  assert.deepEqual(ca.submit(first, 'dup.test'), { name: 'dup.test' });
  assert.deepEqual(ca.submit(makeCsr('dup.test', key.keyPem, key.publicPem), 'dup.test'), { name: 'dup.test' });
  // Another key for the same name is refused, and the pending request stays what it was.
  assert.throws(() => ca.submit(makeCsr('dup.test', otherKey.keyPem, otherKey.publicPem), 'dup.test'),
    (e: unknown) => e instanceof CAError && e.status === 400 && e.message === 'dup.test already has a requested certificate; ignoring certificate request');
  assert.equal(ca.info('dup.test')!.fingerprint, fingerprint);
  assert.equal(ca.requestPem('dup.test')!.trim(), first.replace(/\r\n/g, '\n').trim());
  ca.sign('dup.test');
  // A signed name: 400 (stock agents give up on 409), in puppetserver's words.
  assert.throws(() => ca.submit(first, 'dup.test'),
    (e: unknown) => e instanceof CAError && e.status === 400 && e.message === 'dup.test already has a signed certificate; ignoring certificate request');
  ca.revoke('dup.test');
  assert.throws(() => ca.submit(makeCsr('dup.test', otherKey.keyPem, otherKey.publicPem), 'dup.test'),
    (e: unknown) => e instanceof CAError && e.status === 400 && /already has a revoked certificate; ignoring certificate request/.test(e.message));
  assert.equal(ca.info('dup.test')!.state, 'revoked');
});

test('3: a CSR whose subject is not the name in the URL is refused before anything is stored', () => {
  const { ca } = freshCa();
  const csr = makeCsr('real.test', key.keyPem, key.publicPem);
  assert.throws(() => ca.submit(csr, 'claimed.test'), (e: unknown) => e instanceof CAError && e.status === 400 && /real\.test.*claimed\.test/.test(e.message));
  assert.equal(ca.requestPem('real.test'), undefined);
  assert.equal(ca.requestPem('claimed.test'), undefined);
  assert.deepEqual(ca.list(), []);
  assert.deepEqual(readdirSync(join(ca.dir, 'requests')), []);
  // A URL name that is no certname is refused as well.
  assert.throws(() => ca.submit(csr, '../real.test'), /Invalid certname/);
});

test('4: processes signing at once take one lock: unique serials, one inventory line per certificate; stale locks are taken over', async () => {
  const { confdir, ca } = freshCa();
  const names = Array.from({ length: 40 }, (_, i) => `node${String(i).padStart(2, '0')}.test`);
  for (const n of names) ca.submit(makeCsr(n, key.keyPem, key.publicPem), n);
  const worker = fileURLToPath(new URL('./fixtures/sign-pending.ts', import.meta.url));
  const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [worker, confdir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  })));
  for (const r of runs) assert.equal(r.code, 0, r.err);
  assert.equal(runs.reduce((n, r) => n + Number(r.out.trim()), 0), names.length);
  const lines = readFileSync(join(ca.dir, 'inventory.txt'), 'utf8').trim().split('\n');
  assert.equal(lines.length, names.length);
  const serials = lines.map((l) => l.split(' ')[0]);
  assert.equal(new Set(serials).size, names.length);
  assert.deepEqual(lines.map((l) => l.split('/CN=')[1]).sort(), names);
  for (const n of names) {
    const serial = new X509Certificate(ca.certificatePem(n)!).serialNumber;
    assert.ok(lines.some((l) => BigInt(l.split(' ')[0]) === BigInt(`0x${serial}`) && l.endsWith(`/CN=${n}`)), n);
  }
  assert.equal(existsSync(join(ca.dir, 'ca.lock')), false);

  // A lock held by a live process: wait, then give up with a clear error.
  const holder = spawn('sleep', ['30']);
  after(() => holder.kill());
  ca.submit(makeCsr('late.test', key.keyPem, key.publicPem), 'late.test');
  writeFileSync(join(ca.dir, 'ca.lock'), `${holder.pid} ${hostname()} ${Date.now()}\n`);
  const impatient = new CertificateAuthority(confdir, { lockTimeoutMs: 300 });
  assert.throws(() => impatient.sign('late.test'), (e: unknown) => e instanceof CAError && e.status === 503 && /busy/.test(e.message));
  assert.equal(ca.info('late.test')!.state, 'requested');
  // The holder dies without cleaning up: its lock is stale and is taken over.
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  assert.match(impatient.sign('late.test'), /BEGIN CERTIFICATE/);
  assert.equal(existsSync(join(ca.dir, 'ca.lock')), false);
  // A lock too old to be true (a reused pid) is stale as well.
  ca.submit(makeCsr('later.test', key.keyPem, key.publicPem), 'later.test');
  writeFileSync(join(ca.dir, 'ca.lock'), `${process.ppid} ${hostname()} ${Date.now() - 24 * 3600 * 1000}\n`);
  assert.match(impatient.sign('later.test'), /BEGIN CERTIFICATE/);
});

test('5: authorization extensions are recognised, named, and signed only when allowed', async () => {
  const { ca } = freshCa();
  const csr = makeCsr('admin.test', key.keyPem, key.publicPem, {
    extensions: { '1.3.6.1.4.1.34380.1.3.39': 'true', '1.3.6.1.4.1.34380.1.3.1': 'true', '1.3.6.1.4.1.34380.1.3.13': 'admin', pp_role: 'web', '1.3.6.1.4.1.34380.10.1': 'not ours' },
  });
  assert.deepEqual(readCsr(csr).extensions, { pp_cli_auth: 'true', pp_authorization: 'true', pp_auth_role: 'admin', pp_role: 'web' });
  ca.submit(csr, 'admin.test');
  assert.throws(() => ca.sign('admin.test'), (e: unknown) => e instanceof CAError && /authorization extensions \(pp_cli_auth, pp_authorization, pp_auth_role\)/.test(e.message) && /--allow-authorization-extensions/.test(e.message));
  assert.equal(ca.info('admin.test')!.state, 'requested');
  // Autosigning never grants them: the request stays for the operator, who is told why.
  const r = await ca.autosign('admin.test', csr, { allow: ['*.test'] });
  assert.equal(r.signed, false);
  assert.match(r.reason, /authorization extensions/);
  // From the CLI, only with the flag.
  const dir = join(ca.dir, '..');
  const refused = await cli('ca', 'sign', 'admin.test', '--confdir', dir);
  assert.equal(refused.code, 1);
  assert.match(refused.err, /authorization extensions/);
  const ok = await cli('ca', 'sign', 'admin.test', '--allow-authorization-extensions', '--confdir', dir);
  assert.equal(ok.code, 0, ok.err);
  assert.deepEqual(certificateExtensions(ca.certificatePem('admin.test')!), { pp_cli_auth: 'true', pp_authorization: 'true', pp_auth_role: 'admin', pp_role: 'web' });
});

test('6: control characters in what a CSR carries are escaped by `kasper ca list` and `show`, text and JSON', async () => {
  const { ca, confdir } = freshCa();
  const fake = '\u001b[2K\r+ trusted.test                         (SHA256) AA:BB\n\u009b31m';
  ca.submit(makeCsr('evil.test', key.keyPem, key.publicPem, { extensions: { pp_role: fake }, dnsAltNames: ['x\u001b]0;title\u0007.test'] }), 'evil.test');
  const list = await cli('ca', 'list', '--confdir', confdir);
  assert.equal(list.code, 0, list.err);
  assert.equal(list.out.split('\n').length, 2, list.out);
  assert.doesNotMatch(list.out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  assert.ok(list.out.includes('pp_role=\\x1b[2K\\r+ trusted.test'), list.out);
  assert.ok(list.out.includes('\\n\\x9b31m'), list.out);
  assert.ok(list.out.includes('x\\x1b]0;title\\x07.test'), list.out);
  for (const argv of [['ca', 'list', '--format', 'json'], ['ca', 'show', 'evil.test']]) {
    const r = await cli(...argv, '--confdir', confdir);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const parsed = JSON.parse(r.out) as { extensions: Record<string, string> } | { extensions: Record<string, string> }[];
    assert.equal((Array.isArray(parsed) ? parsed[0] : parsed).extensions.pp_role, fake);
  }
});

test('7: `kasper ca sign --all` signs every signable request and names the ones it skipped, with why', async () => {
  const { ca, confdir } = freshCa();
  ca.submit(makeCsr('a-alt.test', key.keyPem, key.publicPem, { dnsAltNames: ['puppet'] }), 'a-alt.test');
  ca.submit(makeCsr('b-plain.test', key.keyPem, key.publicPem), 'b-plain.test');
  ca.submit(makeCsr('c-plain.test', key.keyPem, key.publicPem), 'c-plain.test');
  const r = await cli('ca', 'sign', '--all', '--confdir', confdir);
  assert.equal(r.code, 1);
  assert.match(r.out, /Signed certificate for b-plain\.test/);
  assert.match(r.out, /Signed certificate for c-plain\.test/);
  assert.match(r.err, /a-alt\.test.*alt names/);
  assert.match(r.err, /1 of 3 requests not signed \(a-alt\.test\)/);
  assert.deepEqual(ca.list(true).map((c) => `${c.name} ${c.state}`), ['a-alt.test requested', 'b-plain.test signed', 'c-plain.test signed']);
  const again = await cli('ca', 'sign', '--all', '--allow-dns-alt-names', '--confdir', confdir);
  assert.equal(again.code, 0, again.err);
  assert.equal(ca.info('a-alt.test')!.state, 'signed');
});

test('8: the autosign policy runs in its own process group, is killed with its children on timeout, four at a time', async () => {
  const { ca } = freshCa();
  const dir = tmp();
  // A policy that ignores SIGTERM and leaves a child behind.
  const stubborn = join(dir, 'stubborn.sh');
  writeFileSync(stubborn, `#!/bin/sh\ntrap '' TERM\nsleep 60 &\necho $! > ${dir}/child.pid\nwait\n`, { mode: 0o755 });
  const csr = makeCsr('slow.test', key.keyPem, key.publicPem);
  ca.submit(csr, 'slow.test');
  const started = Date.now();
  const r = await ca.autosign('slow.test', csr, { policyExecutable: stubborn, policyTimeoutMs: 300 });
  assert.deepEqual(r, { signed: false, reason: 'policy timed out after 0.3 s' });
  assert.ok(Date.now() - started < 5000);
  const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
  for (let i = 0; i < 50 && !gone(child); i++) await new Promise((res) => setTimeout(res, 20));
  assert.ok(gone(child), 'the policy\'s child was left running');
  assert.equal(ca.info('slow.test')!.state, 'requested');

  // Twenty requests at once: never more than four policies running.
  const log = join(dir, 'runs.log');
  const counting = join(dir, 'counting.sh');
  writeFileSync(counting, `#!/bin/sh\necho "start $$" >> ${log}\nsleep 0.15\necho "end $$" >> ${log}\nexit 1\n`, { mode: 0o755 });
  const names = Array.from({ length: 20 }, (_, i) => `burst${i}.test`);
  const pems = names.map((n) => makeCsr(n, key.keyPem, key.publicPem));
  names.forEach((n, i) => ca.submit(pems[i]!, n));
  const results = await Promise.all(names.map((n, i) => ca.autosign(n, pems[i]!, { policyExecutable: counting })));
  assert.deepEqual(new Set(results.map((x) => `${x.signed} ${x.reason}`)), new Set(['false policy exited 1']));
  let running = 0;
  let most = 0;
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(lines.length, 40);
  for (const l of lines) {
    running += l.startsWith('start') ? 1 : -1;
    most = Math.max(most, running);
  }
  assert.ok(most <= 4 && most >= 2, `at most ${most} policies ran at once`);

  // A policy that cannot run leaves the request pending, and says why.
  const missing = await ca.autosign('burst0.test', pems[0]!, { policyExecutable: join(dir, 'missing') });
  assert.equal(missing.signed, false);
  assert.match(missing.reason, /policy could not run/);
  // Glob, policy verdict, and no rule at all, each with its reason.
  assert.deepEqual(await ca.autosign('burst1.test', pems[1]!, { allow: ['*.test'] }), { signed: true, reason: 'matched glob *.test' });
  assert.deepEqual(await ca.autosign('burst2.test', pems[2]!, {}), { signed: false, reason: 'no autosign rule' });
  const yes = join(dir, 'yes.sh');
  writeFileSync(yes, '#!/bin/sh\ngrep -q "BEGIN CERTIFICATE REQUEST" && [ "$1" = "burst3.test" ]\n', { mode: 0o755 });
  assert.deepEqual(await ca.autosign('burst3.test', pems[3]!, { policyExecutable: yes }), { signed: true, reason: 'policy exited 0' });
});

test('10: CA folders are 0700 and its files 0600 (the CA certificate and CRL may be read), fixed when an older CA opens', () => {
  const { ca, confdir } = freshCa();
  ca.submit(makeCsr('m.test', key.keyPem, key.publicPem), 'm.test');
  ca.sign('m.test');
  ca.submit(makeCsr('n.test', key.keyPem, key.publicPem), 'n.test');
  const check = () => {
    assert.equal(mode(ca.dir), 0o700);
    for (const d of ['requests', 'signed']) assert.equal(mode(join(ca.dir, d)), 0o700, d);
    for (const f of ['ca_key.pem', 'serial', 'inventory.txt', 'requests/n.test.pem', 'signed/m.test.pem']) assert.equal(mode(join(ca.dir, f)), 0o600, f);
    for (const f of ['ca_crt.pem', 'ca_crl.pem']) assert.ok((mode(join(ca.dir, f)) & 0o022) === 0, f);
  };
  check();
  // As an older Kasper left them.
  chmodSync(ca.dir, 0o755);
  for (const d of ['requests', 'signed']) chmodSync(join(ca.dir, d), 0o755);
  for (const f of ['serial', 'inventory.txt', 'requests/n.test.pem', 'signed/m.test.pem']) chmodSync(join(ca.dir, f), 0o644);
  const reopened = new CertificateAuthority(confdir);
  assert.equal(reopened.dir, ca.dir);
  check();
  // Root working on a CA that belongs to the master's user leaves files that user can read.
  if (process.getuid?.() === 0) {
    chownSync(ca.dir, 65534, 65534);
    reopened.sign('n.test');
    for (const f of ['serial', 'inventory.txt', 'signed/n.test.pem']) assert.equal(statSync(join(ca.dir, f)).uid, 65534, f);
  }
});

test('11: `kasper ca setup --dns-alt-names` makes the master\'s key and certificate with those names', async () => {
  const confdir = tmp();
  const r = await cli('ca', 'setup', '--confdir', confdir, '--certname', 'master.test', '--dns-alt-names', 'puppet,puppet.example.com');
  assert.equal(r.code, 0, r.err);
  const cert = new X509Certificate(readFileSync(join(confdir, 'ssl', 'certs', 'master.test.pem')));
  assert.equal(cert.subject, 'CN=master.test');
  assert.match(cert.subjectAltName!, /DNS:master\.test/);
  assert.match(cert.subjectAltName!, /DNS:puppet\b/);
  assert.match(cert.subjectAltName!, /DNS:puppet\.example\.com/);
  const keyPath = join(confdir, 'ssl', 'private_keys', 'master.test.pem');
  assert.equal(mode(keyPath), 0o600);
  assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(readFileSync(keyPath))));
  // Asked again, it does not silently keep or replace the existing pair.
  const again = await cli('ca', 'setup', '--confdir', confdir, '--certname', 'master.test', '--dns-alt-names', 'other');
  assert.equal(again.code, 1);
  assert.match(again.err, /already/);
  assert.match(new X509Certificate(readFileSync(join(confdir, 'ssl', 'certs', 'master.test.pem'))).subjectAltName!, /puppet\.example\.com/);
});

test('12: autosign globs follow Puppet: a "*" only as the whole leftmost part, anything else is an exact name', () => {
  assert.equal(globMatches('web*', 'web.attacker.net'), false);
  assert.equal(globMatches('web*', 'web01'), false);
  assert.equal(globMatches('web*', 'web*'), true); // an exact name (no certname can have it)
  assert.equal(globMatches('*web.example.com', 'x.example.com'), false);
  assert.equal(globMatches('*web.example.com', 'web.example.com'), false);
  assert.equal(globMatches('a.*.example.com', 'a.b.example.com'), false);
  assert.equal(globMatches('*.example.com', 'a.example.com'), true);
  assert.equal(globMatches('*.example.com', 'a.b.example.com'), true);
  assert.equal(globMatches('*.EXAMPLE.com', 'a.example.com'), true);
  assert.equal(globMatches('*.example.com', 'example.com'), true); // as puppetserver: the domain itself
  assert.equal(globMatches('*.example.com', 'example.com.attacker.net'), false);
  assert.equal(globMatches('*.example.com', 'aexample.com'), false);
  assert.equal(globMatches('*', 'anything.at.all'), true);
  assert.equal(globMatches('web01.example.com', 'web01.example.com'), true);
  assert.equal(globMatches('web01.example.com', 'web01.example.com.evil'), false);
  assert.equal(globMatches('# *.example.com', 'a.example.com'), false);
});

test('every name becomes a path through one safe join: links out of the CA folder are refused', () => {
  const { ca } = freshCa();
  const outside = tmp();
  writeFileSync(join(outside, 'loot.pem'), makeCsr('loot.test', key.keyPem, key.publicPem));
  symlinkSync(join(outside, 'loot.pem'), join(ca.dir, 'requests', 'loot.test.pem'));
  symlinkSync(join(outside, 'loot.pem'), join(ca.dir, 'signed', 'loot2.test.pem'));
  assert.throws(() => ca.requestPem('loot.test'), (e: unknown) => e instanceof CAError && /link leads out of its folder/.test(e.message));
  assert.throws(() => ca.certificatePem('loot2.test'), (e: unknown) => e instanceof CAError && /link leads out of its folder/.test(e.message));
  assert.throws(() => ca.sign('loot.test'), /link leads out of its folder/);
  assert.deepEqual(ca.list().map((c) => c.name), []);
  assert.throws(() => ca.requestPem('../ca_key'), /Invalid certname/);
});
