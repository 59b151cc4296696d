// The package type against every Debian provider (apt, dpkg), for real: tiny packages from a
// repository the test makes, installed, upgraded, pinned and removed with dpkg and apt-get.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { apply, changedRefs, tempDir } from './apply-helpers.ts';
import { buildDeb, dropRepo, installedVersion, useRepo, writeIndex } from './debian-repo.ts';
import { hasCommand, isRoot, needs } from '../support/host.ts';
import { SystemExecutor } from '../../packages/providers/src/index.ts';

const usable = isRoot && hasCommand('apt-get') && hasCommand('dpkg-deb');
const reason = 'package tests need root, apt-get and dpkg-deb (a Debian host)';
const repo = tempDir('kasper-repo-');
let v1 = '';
let v2 = '';

before(() => {
  if (!usable) return;
  v1 = buildDeb(repo, 'kasper-test-a', '1.0');
  buildDeb(repo, 'kasper-test-b', '1.0');
  buildDeb(repo, 'kasper-test-c', '1.0');
  writeIndex(repo);
  useRepo(repo);
});

after(() => {
  if (!usable) return;
  for (const p of ['kasper-test-a', 'kasper-test-b', 'kasper-test-c']) {
    try {
      execFileSync('dpkg', ['--purge', p], { stdio: 'ignore' });
    } catch { /* not installed */ }
  }
  dropRepo();
  rmSync(repo, { recursive: true, force: true });
});

// The same behaviour from every provider; only how it gets the package differs.
const providers = [
  { name: 'apt', install: () => `provider => apt` },
  { name: 'dpkg', install: () => `provider => dpkg, source => '${v1}'` },
];

for (const p of providers) {
  describe(`package provider ${p.name}`, () => {
    test('installs, is idempotent, removes and purges', async (t) => {
      if (!needs(t, usable, reason)) return;
      const res = (ensure: string) => `package { 'kasper-test-a': ensure => ${ensure}, ${p.install()} }`;
      const first = await apply(res('installed'));
      assert.deepEqual(changedRefs(first.report), ['Package[kasper-test-a]'], first.lines.join('\n'));
      assert.equal(installedVersion('kasper-test-a'), '1.0');
      assert.deepEqual(changedRefs((await apply(res('installed'))).report), []);
      assert.deepEqual(changedRefs((await apply(res('absent'))).report), ['Package[kasper-test-a]']);
      assert.equal(installedVersion('kasper-test-a'), undefined);
      assert.deepEqual(changedRefs((await apply(res('absent'))).report), []);
      assert.deepEqual(changedRefs((await apply(res('purged'))).report), ['Package[kasper-test-a]']);
      assert.deepEqual(changedRefs((await apply(res('purged'))).report), []);
    });
  });
}

test('apt: latest upgrades when the repository has a newer version; a version pins (and downgrades)', async (t) => {
  if (!needs(t, usable, reason)) return;
  await apply(`package { 'kasper-test-a': ensure => installed }`);
  assert.equal(installedVersion('kasper-test-a'), '1.0');
  v2 = buildDeb(repo, 'kasper-test-a', '2.0');
  writeIndex(repo);
  useRepo(repo);
  const up = await apply(`package { 'kasper-test-a': ensure => latest }`);
  assert.deepEqual(changedRefs(up.report), ['Package[kasper-test-a]'], up.lines.join('\n'));
  assert.equal(installedVersion('kasper-test-a'), '2.0');
  assert.deepEqual(changedRefs((await apply(`package { 'kasper-test-a': ensure => latest }`)).report), []);
  await apply(`package { 'kasper-test-a': ensure => '1.0' }`);
  assert.equal(installedVersion('kasper-test-a'), '1.0');
  assert.deepEqual(changedRefs((await apply(`package { 'kasper-test-a': ensure => '1.0' }`)).report), []);
  void v2;
});

test('apt: packages free of ordering constraints are installed by one apt-get call', async (t) => {
  if (!needs(t, usable, reason)) return;
  const exec = new SystemExecutor();
  const { report } = await apply(`package { ['kasper-test-b', 'kasper-test-c']: ensure => installed }`, { exec });
  assert.deepEqual(changedRefs(report), ['Package[kasper-test-b]', 'Package[kasper-test-c]']);
  const installs = exec.history.filter((h) => h.command === 'apt-get' && h.args.includes('install'));
  assert.equal(installs.length, 1);
  assert.ok(installs[0].args.includes('kasper-test-b') && installs[0].args.includes('kasper-test-c'));
  // The state of all packages was read once for the run, not once per package.
  assert.equal(exec.history.filter((h) => h.command === 'dpkg-query').length <= 2, true);
});
