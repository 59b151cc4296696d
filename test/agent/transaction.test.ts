// The transaction engine on this host, with the real providers: idempotence, noop, failure
// isolation, refresh events, cycles, backups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { apply, changedRefs, tempDir } from './apply-helpers.ts';

test('files, directories and links converge, and a second run changes nothing', async () => {
  const dir = tempDir();
  const code = `
    file { '${dir}/etc': ensure => directory, mode => '0750' }
    file { '${dir}/etc/app.conf': ensure => file, content => "port=8080\\n", mode => '0640' }
    file { '${dir}/etc/current': ensure => link, target => '${dir}/etc/app.conf' }
    file { '${dir}/gone': ensure => absent }
  `;
  writeFileSync(join(dir, 'gone'), 'old');
  const first = await apply(code, { dir });
  assert.equal(first.report.status, 'changed', first.lines.join('\n'));
  assert.equal(readFileSync(join(dir, 'etc/app.conf'), 'utf8'), 'port=8080\n');
  assert.equal((lstatSync(join(dir, 'etc/app.conf')).mode & 0o777).toString(8), '640');
  assert.equal((lstatSync(join(dir, 'etc')).mode & 0o777).toString(8), '750');
  assert.equal(readlinkSync(join(dir, 'etc/current')), join(dir, 'etc/app.conf'));
  assert.equal(existsSync(join(dir, 'gone')), false);
  const second = await apply(code, { dir });
  assert.deepEqual(changedRefs(second.report), [], second.lines.join('\n'));
  assert.equal(second.report.status, 'unchanged');
  assert.equal(second.report.detailedExitCode, 0);
});

test('noop reports what would change, with a content diff, and changes nothing', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'motd'), 'old text\n');
  const { report, lines } = await apply(`file { '${dir}/motd': content => "new text\\n" }`, { dir, noop: true });
  assert.equal(readFileSync(join(dir, 'motd'), 'utf8'), 'old text\n');
  assert.equal(report.noopPending, true);
  assert.deepEqual(changedRefs(report), []);
  const event = report.resource_statuses[`File[${dir}/motd]`].events[0];
  assert.equal(event.status, 'noop');
  assert.equal(event.property, 'content');
  assert.match(lines.join('\n'), /-old text\n\+new text/);
  assert.match(lines.join('\n'), /current_value '\{sha256\}[0-9a-f]{64}', should be '\{sha256\}[0-9a-f]{64}' \(noop\)/);
});

test('a failed resource skips what depends on it and nothing else', async () => {
  const dir = tempDir();
  const { report } = await apply(`
    exec { 'broken': command => '/bin/false' }
    file { '${dir}/after-broken': content => 'x', require => Exec['broken'] }
    file { '${dir}/after-after': content => 'y', require => File['${dir}/after-broken'] }
    file { '${dir}/independent': content => 'z' }
  `, { dir });
  const s = report.resource_statuses;
  assert.equal(s['Exec[broken]'].failed, true);
  assert.equal(s[`File[${dir}/after-broken]`].skipped, true);
  assert.equal(s[`File[${dir}/after-after]`].skipped, true);
  assert.equal(s[`File[${dir}/independent]`].changed, true);
  assert.equal(existsSync(join(dir, 'after-broken')), false);
  assert.equal(readFileSync(join(dir, 'independent'), 'utf8'), 'z');
  assert.equal(report.status, 'failed');
  assert.equal(report.detailedExitCode, 6);
});

test('a change notifies its subscribers once; no change, no refresh', async () => {
  const dir = tempDir();
  const code = (content: string) => `
    file { '${dir}/conf': content => '${content}', notify => Exec['reload'] }
    exec { 'reload': command => "/bin/sh -c 'echo reloaded >> ${dir}/reloads'", refreshonly => true }
  `;
  await apply(code('a'), { dir });
  assert.equal(readFileSync(join(dir, 'reloads'), 'utf8'), 'reloaded\n');
  const quiet = await apply(code('a'), { dir });
  assert.deepEqual(changedRefs(quiet.report), []);
  assert.equal(readFileSync(join(dir, 'reloads'), 'utf8'), 'reloaded\n');
  const again = await apply(code('b'), { dir });
  assert.match(again.lines.join('\n'), /Triggered 'refresh' from 1 event/);
  assert.equal(readFileSync(join(dir, 'reloads'), 'utf8'), 'reloaded\nreloaded\n');
  const noop = await apply(code('c'), { dir, noop: true });
  assert.match(noop.lines.join('\n'), /Would have triggered 'refresh' from 1 event/);
  assert.equal(readFileSync(join(dir, 'reloads'), 'utf8'), 'reloaded\nreloaded\n');
});

test('a dependency cycle is reported with the loop and where each resource is declared', async () => {
  const dir = tempDir();
  const { report } = await apply(`
    file { '${dir}/a': content => 'a', require => File['${dir}/b'] }
    file { '${dir}/b': content => 'b', require => File['${dir}/a'] }
  `, { dir });
  assert.equal(report.status, 'failed');
  const msg = report.logs.find((l) => l.level === 'err')!.message;
  assert.match(msg, /Found 1 dependency cycle: \(File\[.*\/a\] \(.*site\.pp:2\) => File\[.*\/b\] \(.*site\.pp:3\) => File\[.*\/a\]/);
  assert.equal(existsSync(join(dir, 'a')), false);
});

test('replaced content is kept in the file bucket first', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'data'), 'precious\n');
  await apply(`file { '${dir}/data': content => "new\\n" }`, { dir });
  const bucket = join(dir, 'bucket');
  const { FileBucket } = await import('../../packages/providers/src/index.ts');
  const entries = new FileBucket(bucket).list();
  assert.equal(entries.length, 1);
  assert.deepEqual(entries[0].paths, [join(dir, 'data')]);
  assert.equal(new FileBucket(bucket).get(entries[0].checksum)!.toString(), 'precious\n');
});

test('exec checks: creates, onlyif and unless decide whether the command runs', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'made'));
  const code = `
    exec { 'creates': command => "/bin/sh -c 'echo c >> ${dir}/log'", creates => '${dir}/made' }
    exec { 'onlyif': command => "/bin/sh -c 'echo o >> ${dir}/log'", onlyif => '/bin/false' }
    exec { 'unless': command => "/bin/sh -c 'echo u >> ${dir}/log'", unless => "/usr/bin/test -e ${dir}/log" }
  `;
  const { report } = await apply(code, { dir });
  assert.equal(readFileSync(join(dir, 'log'), 'utf8'), 'u\n');
  assert.deepEqual(changedRefs(report), ['Exec[unless]']);
  assert.deepEqual(changedRefs((await apply(code, { dir })).report), []);
});
