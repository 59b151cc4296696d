// user and group with the shadow utilities, on test accounts the test creates and removes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { apply, changedRefs } from './apply-helpers.ts';
import { hasCommand, isRoot, needs } from '../support/host.ts';

const usable = isRoot && hasCommand('useradd') && hasCommand('groupadd');
const reason = 'user and group tests need root and the shadow utilities';

after(() => {
  if (!usable) return;
  for (const u of ['kaspertest1']) try { execFileSync('userdel', ['-r', u], { stdio: 'ignore' }); } catch { /* gone */ }
  for (const g of ['kasperops', 'kasperdev']) try { execFileSync('groupdel', [g], { stdio: 'ignore' }); } catch { /* gone */ }
});

const passwd = (u: string) => readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${u}:`))?.split(':');
const members = (g: string) => readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${g}:`))?.split(':')[3];

test('groups and users are created, changed, idempotent and removed', async (t) => {
  if (!needs(t, usable, reason)) return;
  const code = (shell: string) => `
    group { ['kasperops', 'kasperdev']: ensure => present }
    user { 'kaspertest1':
      ensure     => present,
      uid        => 4711,
      comment    => 'Kasper test user',
      home       => '/home/kaspertest1',
      shell      => '${shell}',
      groups     => ['kasperops', 'kasperdev'],
      managehome => true,
    }`;
  const first = await apply(code('/bin/sh'));
  assert.deepEqual(changedRefs(first.report), ['Group[kasperdev]', 'Group[kasperops]', 'User[kaspertest1]'], first.lines.join('\n'));
  // The groups were created before the user that needs them (autorequire).
  const order = first.report.logs.map((l) => l.source).filter((s) => /Group|User/.test(s));
  assert.ok(order.findIndex((s) => s.includes('User[')) > order.findIndex((s) => s.includes('Group[kasperops]')));
  const e = passwd('kaspertest1')!;
  assert.deepEqual([e[2], e[4], e[5], e[6]], ['4711', 'Kasper test user', '/home/kaspertest1', '/bin/sh']);
  assert.ok(existsSync('/home/kaspertest1'));
  assert.equal(members('kasperops'), 'kaspertest1');
  assert.deepEqual(changedRefs((await apply(code('/bin/sh'))).report), []);
  const changed = await apply(code('/bin/bash'));
  assert.deepEqual(changedRefs(changed.report), ['User[kaspertest1]']);
  assert.equal(passwd('kaspertest1')![6], '/bin/bash');
  const gone = await apply(`user { 'kaspertest1': ensure => absent, managehome => true }
    group { ['kasperops', 'kasperdev']: ensure => absent, require => User['kaspertest1'] }`);
  assert.equal(gone.report.status, 'changed', gone.lines.join('\n'));
  assert.equal(passwd('kaspertest1'), undefined);
  assert.equal(members('kasperops'), undefined);
});
