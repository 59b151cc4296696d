// Providers are chosen when the resource is evaluated: a command a package of this run installs
// (nft) makes its provider suitable for the resources after it; in noop, those resources say
// they would be managed once the package is in, instead of failing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Host, Provider } from '@kasper/providers';
import { Transaction } from '../src/index.ts';
import { bucketDir, catalogOf, kvProvider, recorder, registry } from './fixtures.ts';

/** `pkg` installs the `tool` command; `kv` resources need it (their provider's command). */
function setup() {
  const installed = new Set<string>();
  const h: Host = { osFamily: 'Debian', initSystem: 'systemd', hasCommand: (c) => installed.has(c), forget: () => {} };
  const pkg: Provider = {
    name: 'fake', type: 'package', suitable: () => true, isDefault: () => true,
    async retrieve(r) {
      return { ensure: installed.has('tool') ? 'installed' : 'purged' };
    },
    async sync() {
      installed.add('tool');
    },
  };
  let prefetched: string[] = [];
  const needsTool: Provider = {
    ...kvProvider, name: 'tooled', commands: ['tool'], suitable: (host) => host.hasCommand('tool'),
    async prefetch(resources) {
      prefetched = resources.map((r) => r.name);
    },
  };
  const reg = registry(needsTool);
  reg.addProvider(pkg);
  const catalog = catalogOf([
    { type: 'Package', title: 'tool', params: { ensure: 'installed' } },
    { title: 'a', params: { value: '1', require: 'Package[tool]' } },
    { title: 'b', params: { value: '2', require: 'Package[tool]' } },
  ]);
  return { h, reg, catalog, prefetched: () => prefetched };
}

test('a provider whose command a package of the run installs is chosen when its resource comes', async () => {
  const { h, reg, catalog, prefetched } = setup();
  const exec = recorder();
  const lines: string[] = [];
  const report = await new Transaction(catalog, { registry: reg, host: h, exec, bucketDir: bucketDir(), onLog: (l, s, m) => lines.push(`${l}: ${s}: ${m}`) }).run();
  assert.equal(report.status, 'changed', lines.join('\n'));
  assert.deepEqual(Object.values(report.resource_statuses).filter((s) => s.failed).map((s) => s.resource), []);
  assert.deepEqual(exec.calls.filter((c) => c.startsWith('kv set')), ['kv set a 1', 'kv set b 2']);
  assert.deepEqual(prefetched(), ['a', 'b'], 'prefetched once, with every resource waiting for it');
  assert.equal(report.resource_statuses['Kv[a]'].provider_used, 'tooled');
});

test('in noop, such a resource says what it waits for and does not fail', async () => {
  const { h, reg, catalog } = setup();
  const lines: string[] = [];
  const report = await new Transaction(catalog, { noop: true, registry: reg, host: h, exec: recorder(), bucketDir: bucketDir(), onLog: (l, s, m) => lines.push(`${l}: ${s}: ${m}`) }).run();
  assert.notEqual(report.status, 'failed', lines.join('\n'));
  assert.ok(lines.includes('notice: /Main/Kv[a]: Would be managed by kv provider tooled once Package[tool] is installed (it needs tool, not on this host yet)'), lines.join('\n'));
});

test('without a package that would bring the command, noop still fails as before', async () => {
  const { h, reg } = setup();
  const catalog = catalogOf([{ title: 'a', params: { value: '1' } }]);
  const report = await new Transaction(catalog, { noop: true, registry: reg, host: h, exec: recorder(), bucketDir: bucketDir() }).run();
  assert.equal(report.status, 'failed');
});
