// The file type's other attributes: sources (a module's files/ and local paths), recursive
// copies with purge, symbolic modes, owner and group, replace => false, refusal to remove a
// directory without force.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../packages/cli/src/main.ts';
import { captureOutput } from '../../packages/cli/src/output.ts';
import { apply, changedRefs, tempDir } from './apply-helpers.ts';
import { isRoot } from '../support/host.ts';

test('a puppet:///modules source is read from the module, through kasper apply', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'modules/app/files'), { recursive: true });
  mkdirSync(join(dir, 'manifests'));
  writeFileSync(join(dir, 'modules/app/files/app.conf'), 'from the module\n');
  writeFileSync(join(dir, 'manifests/site.pp'), `file { '${dir}/app.conf': source => 'puppet:///modules/app/app.conf' }\n`);
  const run = async () => {
    const out = captureOutput();
    return { code: await main(['apply', join(dir, 'manifests/site.pp'), '--vardir', join(dir, 'var'), '--detailed-exitcodes'], out), out };
  };
  assert.equal((await run()).code, 2);
  assert.equal(readFileSync(join(dir, 'app.conf'), 'utf8'), 'from the module\n');
  assert.equal((await run()).code, 0);
});

test('recurse copies a source folder, purge removes what the source lacks, idempotently', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'src/sub'), { recursive: true });
  writeFileSync(join(dir, 'src/a'), 'A');
  writeFileSync(join(dir, 'src/sub/b'), 'B');
  mkdirSync(join(dir, 'dst'));
  writeFileSync(join(dir, 'dst/stale'), 'old');
  const code = `file { '${dir}/dst': ensure => directory, source => '${dir}/src', recurse => true, purge => true }`;
  const first = await apply(code, { dir });
  assert.deepEqual(changedRefs(first.report), [`File[${dir}/dst]`], first.lines.join('\n'));
  assert.equal(readFileSync(join(dir, 'dst/sub/b'), 'utf8'), 'B');
  assert.equal(existsSync(join(dir, 'dst/stale')), false);
  assert.deepEqual(changedRefs((await apply(code, { dir })).report), []);
});

test('symbolic modes, replace => false, and no removal of a directory without force', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'script'), 'echo hi\n', { mode: 0o644 });
  writeFileSync(join(dir, 'keep'), 'mine\n');
  mkdirSync(join(dir, 'adir'));
  const { report } = await apply(`
    file { '${dir}/script': mode => 'u+x,go-r' }
    file { '${dir}/keep': content => "theirs\\n", replace => false }
    file { '${dir}/adir': ensure => absent }
  `, { dir });
  assert.equal((lstatSync(join(dir, 'script')).mode & 0o777).toString(8), '700');
  assert.equal(readFileSync(join(dir, 'keep'), 'utf8'), 'mine\n');
  assert.equal(existsSync(join(dir, 'adir')), true);
  assert.equal(report.resource_statuses[`File[${dir}/adir]`].failed, true);
  const forced = await apply(`file { '${dir}/adir': ensure => absent, force => true }`, { dir });
  assert.deepEqual(changedRefs(forced.report), [`File[${dir}/adir]`]);
  assert.equal(existsSync(join(dir, 'adir')), false);
});

test('owner and group are set, and checked on later runs', { skip: !isRoot && 'needs root to change owners' }, async () => {
  const dir = tempDir();
  const code = `file { '${dir}/owned': content => 'x', owner => 'nobody', group => 'nogroup', mode => '0640' }`;
  const first = await apply(code, { dir });
  assert.equal(first.report.status, 'changed', first.lines.join('\n'));
  const st = lstatSync(join(dir, 'owned'));
  assert.equal(st.uid, 65534);
  assert.deepEqual(changedRefs((await apply(code, { dir })).report), []);
});
