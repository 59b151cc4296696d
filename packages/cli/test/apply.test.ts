import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.ts';

test('apply: digest_algorithm in kasper.conf sums file content as Puppet 7 does with it; a file\'s checksum still wins, and the bucket keys by it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-apply-digest-'));
  mkdirSync(join(dir, 'conf'));
  writeFileSync(join(dir, 'conf/kasper.conf'), '[main]\ndigest_algorithm = md5\n');
  writeFileSync(join(dir, 'c'), 'old\n');
  writeFileSync(join(dir, 'site.pp'), `file { '${dir}/a': content => "a\\n" }\nfile { '${dir}/b': content => "b\\n", checksum => sha512 }\nfile { '${dir}/c': content => "c\\n" }\n`);
  const r = await run('apply', join(dir, 'site.pp'), '--confdir', join(dir, 'conf'), '--vardir', join(dir, 'var'));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`File\\[${dir}/a\\]/ensure: defined content as '\\{md5\\}${createHash('md5').update('a\n').digest('hex')}'`));
  assert.match(r.out, new RegExp(`File\\[${dir}/b\\]/ensure: defined content as '\\{sha512\\}${createHash('sha512').update('b\n').digest('hex')}'`));
  // The replaced content is kept in the local bucket under the same digest.
  const old = createHash('md5').update('old\n').digest('hex');
  assert.match(r.out, new RegExp(`File\\[${dir}/c\\]/content: content changed '\\{md5\\}${old}' to '\\{md5\\}`));
  assert.equal(readFileSync(join(dir, 'var/bucket', old.slice(0, 2), old, 'contents'), 'utf8'), 'old\n');
});

test('apply converges, reports, and a second run changes nothing (detailed exit codes 2 then 0)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-apply-'));
  writeFileSync(join(dir, 'site.pp'), `file { '${dir}/out.txt': content => "os=\${facts['os']['family']}\\n" }\n`);
  const args = ['apply', join(dir, 'site.pp'), '--vardir', join(dir, 'var'), '--detailed-exitcodes'];
  const first = await run(...args, '--report', join(dir, 'report.json'));
  assert.equal(first.code, 2, first.err);
  assert.match(first.out, /File\[.*out\.txt\]\/ensure: defined content as '\{sha256\}[0-9a-f]{64}'/);
  assert.match(first.out, /Applied catalog in [\d.]+ seconds: 1 resources, 1 changed/);
  assert.match(readFileSync(join(dir, 'out.txt'), 'utf8'), /^os=\w+\n$/);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  assert.equal(report.status, 'changed');
  assert.ok(existsSync(join(dir, 'var/state/last_run_report.json')));
  assert.ok(readFileSync(join(dir, 'var/log/kasper.log'), 'utf8').includes('"msg"'));
  const second = await run(...args);
  assert.equal(second.code, 0, second.out);
});

test('apply -e, --noop changes nothing, and failures give exit code 4 with --detailed-exitcodes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-apply-'));
  const noop = await run('apply', '--noop', '--vardir', join(dir, 'var'), '-e', `file { '${dir}/x': content => 'x' }`);
  assert.equal(noop.code, 0);
  assert.equal(existsSync(join(dir, 'x')), false);
  assert.match(noop.out, /\(noop\)/);
  const failing = await run('apply', '--detailed-exitcodes', '--vardir', join(dir, 'var'), '-e', "exec { 'no': command => '/bin/false' }");
  assert.equal(failing.code, 4);
  assert.match(failing.err, /Error: \/Stage\[main\]\/Main\/Exec\[no\]: '\/bin\/false' returned 1/);
});

test('apply writes a Binary file content as its bytes and a SemVer message as its text, as puppet apply does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-apply-rich-'));
  const r = await run('apply', '--vardir', join(dir, 'var'), '-e',
    `file { '${dir}/bin.out': content => Binary([0, 1, 254, 255]) }\nnotify { 'v': message => SemVer('1.2.3') }`);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual([...readFileSync(join(dir, 'bin.out'))], [0, 1, 254, 255]);
  assert.match(r.out, /Notice: 1\.2\.3/);
});

test('a compile error in apply points at the code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-apply-'));
  const r = await run('apply', '--vardir', join(dir, 'var'), '-e', 'include nope');
  assert.equal(r.code, 1);
  assert.match(r.err, /apply\.pp:1:1: error: Could not find class ::nope .*\[KSP-CLASS-001\]\n1 \| include nope\n {4}\^/);
  const missing = await run('apply', '--vardir', join(dir, 'var'), join(dir, 'nosuch.pp'));
  assert.equal(missing.code, 1);
  assert.equal(missing.err, `kasper apply: error: Could not find file ${join(dir, 'nosuch.pp')} [KSP-CLI-009]\n`);
});

test('facts prints one fact by dotted name; filebucket lists and restores', async () => {
  const f = await run('facts', 'os.family');
  assert.equal(f.code, 0);
  assert.match(f.out, /^"\w+"\n$/);
  const dir = mkdtempSync(join(tmpdir(), 'kasper-bucket-'));
  writeFileSync(join(dir, 'f'), 'first\n');
  await run('apply', '--vardir', join(dir, 'var'), '-e', `file { '${dir}/f': content => "second\\n" }`);
  const list = await run('filebucket', 'list', '--vardir', join(dir, 'var'));
  const [sum] = list.out.trim().split(' ');
  assert.match(list.out, new RegExp(`${dir}/f`));
  const restored = await run('filebucket', 'restore', join(dir, 'f'), sum, '--vardir', join(dir, 'var'));
  assert.equal(restored.code, 0);
  assert.equal(readFileSync(join(dir, 'f'), 'utf8'), 'first\n');
});

test('resource shows current state as Puppet code, or JSON', async () => {
  const r = await run('resource', 'user', 'root');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^user \{ 'root':\n {2}ensure +=> 'present',\n {2}uid +=> '0',/);
  const dir = mkdtempSync(join(tmpdir(), 'kasper-res-'));
  writeFileSync(join(dir, 'f'), 'x');
  const j = await run('resource', 'file', join(dir, 'f'), '--format', 'json');
  const [state] = JSON.parse(j.out);
  assert.equal(state.ensure, 'file');
  assert.match(state.content, /^\{sha256\}[0-9a-f]{64}$/);
  const bad = await run('resource', 'nosuchtype');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /^kasper resource: error: unknown type 'nosuchtype' \(known: (.*, )?exec, file, .*\) \[KSP-CLI-010\]\n$/);
});
