// Debian packages on a recording executor: one dpkg-query for every package's state (installed,
// config files left, multi-arch), apt's candidate for `latest`, one apt-get for many packages,
// and the dpkg provider's limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordedExecutor, type Change } from '../src/index.ts';
import { apt, candidate } from '../src/providers/apt.ts';
import { dpkg, dpkgState } from '../src/providers/dpkg.ts';
import { assertRaises, context, res } from './fixtures.ts';

const QUERY = /^dpkg-query -W -f /;
const STATUS = [
  'vim\t2:9.0.1378-2\tii ',
  'oldpkg\t1.0\trc ',
  'gone\t\tun ',
  'held\t3.1\thi ',
  'libc6\t2.36-9\tii ',
  'libc6\t2.36-9\tun ',
  'zlib1g\t\tun ',
  'zlib1g\t1:1.2.13\tii ',
  '',
].join('\n');

const change = (should: string, is = 'absent'): Change => ({ property: 'ensure', is, should, message: '' });

test('dpkg-query output: installed versions, absent (config files left), and the installed architecture of multi-arch packages', async () => {
  const ctx = context(new RecordedExecutor().on(QUERY, { stdout: STATUS }));
  const state = await dpkgState(ctx);
  assert.deepEqual(Object.fromEntries(state), { vim: '2:9.0.1378-2', oldpkg: 'absent', gone: 'absent', held: '3.1', libc6: '2.36-9', zlib1g: '1:1.2.13' });
  await dpkgState(ctx);
  assert.equal(ctx.exec.calls.length, 1, 'read once per run, then from the cache');
  await dpkgState(ctx, true);
  assert.equal(ctx.exec.calls.length, 2);
  assert.deepEqual(await dpkg.retrieve(res('package', 'never-heard-of'), ctx), { ensure: 'purged' }, 'no trace at all: purged');
  assert.deepEqual(await dpkg.retrieve(res('package', 'oldpkg'), ctx), { ensure: 'absent' });
});

test("apt: latest is the candidate apt-cache policy names; installed at the candidate is in sync", async () => {
  const exec = new RecordedExecutor()
    .on(QUERY, { stdout: STATUS })
    .on('apt-cache policy vim', { stdout: 'vim:\n  Installed: 2:9.0.1378-2\n  Candidate: 2:9.0.1378-2\n' })
    .on('apt-cache policy held', { stdout: 'held:\n  Installed: 3.1\n  Candidate: 3.2\n' })
    .on('apt-cache policy nowhere', { stdout: 'nowhere:\n  Installed: (none)\n  Candidate: (none)\n' });
  const ctx = context(exec);
  assert.equal(await candidate('held', ctx), '3.2');
  assert.equal(await candidate('nowhere', ctx), undefined);
  assert.deepEqual(await apt.retrieve(res('package', 'vim', { ensure: 'latest' }), ctx), { ensure: 'latest' });
  assert.deepEqual(await apt.retrieve(res('package', 'held', { ensure: 'latest' }), ctx), { ensure: '3.1' });
  assert.deepEqual(await apt.instances!(ctx), ['vim', 'held', 'libc6', 'zlib1g']);
});

test('apt installs many packages in one apt-get call, versions pinned, removals one by one', async () => {
  const exec = new RecordedExecutor().on(QUERY, { stdout: STATUS }).on(/^apt-get /, {});
  const ctx = context(exec);
  await apt.syncBatch!([
    { r: res('package', 'curl'), changes: [change('present')] },
    { r: res('package', 'vim', { install_options: ['--no-install-recommends'] }), changes: [change('2:9.0.1378-3', '2:9.0.1378-2')] },
    { r: res('package', 'oldpkg'), changes: [change('purged', 'absent')] },
  ], ctx);
  const aptCalls = exec.calls.filter((c) => c.startsWith('apt-get'));
  assert.deepEqual(aptCalls, [
    'apt-get -q -y -o DPkg::Options::=--force-confold purge oldpkg',
    'apt-get -q -y -o DPkg::Options::=--force-confold --allow-downgrades --no-install-recommends install curl vim=2:9.0.1378-3',
  ]);
  assert.ok(exec.calls.at(-1)!.startsWith('dpkg-query'), 'the state is read again after the changes');
});

test('a failing apt-get is an error with its exit code and output', async () => {
  const exec = new RecordedExecutor().on(QUERY, { stdout: STATUS })
    .on(/^apt-get .* install /, { exitCode: 100, stderr: 'Reading package lists...\nE: Unable to locate package nosuch\n' });
  await assertRaises(() => apt.sync(res('package', 'nosuch'), [change('present')], context(exec)), 'KSP-PROVIDERS-029',
    "Execution of 'apt-get -q -y -o DPkg::Options::=--force-confold install nosuch' returned 100: Reading package lists...\nE: Unable to locate package nosuch");
});

test('dpkg installs from a source .deb only, and never to latest', async () => {
  const exec = new RecordedExecutor().on(QUERY, { stdout: STATUS }).on(/^dpkg /, {});
  const ctx = context(exec);
  await dpkg.sync(res('package', 'tool', { source: '/tmp/tool_1.0_all.deb' }), [change('present')], ctx);
  assert.ok(exec.calls.includes('dpkg --force-confold -i /tmp/tool_1.0_all.deb'));
  await assertRaises(() => dpkg.sync(res('package', 'tool'), [change('present')], ctx), 'KSP-PROVIDERS-027', 'You cannot install dpkg packages without a source');
  await assertRaises(() => dpkg.sync(res('package', 'tool', { source: '/tmp/t.deb' }), [change('latest')], ctx), 'KSP-PROVIDERS-028');
  await dpkg.sync(res('package', 'vim'), [change('purged', '2:9.0.1378-2')], ctx);
  assert.ok(exec.calls.includes('dpkg --purge vim'));
});
