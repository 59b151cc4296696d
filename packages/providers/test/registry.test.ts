// The registry: which provider manages a resource on a host (the one named, else the host's
// default, else the first suitable one), each provider's suitability and default, and types
// and providers that modules ship.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, type Provider } from '../src/index.ts';
import { assertRaises, host, res, tempDir } from './fixtures.ts';

const chosen = (type: string, h = host(), params: Record<string, unknown> = {}) => new Registry().providerFor(res(type, 'x', params), h).name;

test("Kasper's types are registered, each with its providers", () => {
  const reg = new Registry();
  // Other types join over time: these must be there, each with a provider.
  for (const t of ['exec', 'file', 'firewall', 'firewallchain', 'group', 'notify', 'package', 'service', 'user', 'host', 'cron', 'ssh_authorized_key', 'sshkey', 'mailalias', 'mount', 'augeas', 'tidy', 'resources', 'schedule', 'filebucket', 'file_line']) {
    assert.ok(reg.typeNames().includes(t), t);
    assert.ok(reg.type(t)!.providers.length > 0, `${t} has a provider`);
  }
  assert.deepEqual(reg.type('package')!.providers.map((p) => p.name), ['apt', 'dpkg']);
  assert.deepEqual(reg.type('service')!.providers.map((p) => p.name), ['debian', 'systemd']);
  assert.deepEqual(reg.type('firewall')!.providers.map((p) => p.name), ['nftables', 'iptables']);
  assert.equal(reg.type('nosuch'), undefined);
});

test('the default provider follows the host: apt on Debian, systemd under systemd, debian under SysV init', () => {
  assert.equal(chosen('package'), 'apt');
  assert.equal(chosen('package', host({ osFamily: 'RedHat' })), 'apt', 'no default: the first suitable');
  assert.equal(chosen('package', host({ commands: ['dpkg', 'dpkg-query'] })), 'dpkg', 'apt-get missing: apt is not suitable');
  assert.equal(chosen('service'), 'systemd');
  assert.equal(chosen('service', host({ initSystem: 'init' })), 'debian');
  assert.equal(chosen('service', host({ initSystem: 'init', commands: ['systemctl'] })), 'systemd', 'without service and update-rc.d, debian is not suitable');
  assert.equal(chosen('user'), 'useradd');
  assert.equal(chosen('group'), 'groupadd');
  assert.equal(chosen('file'), 'posix');
  assert.equal(chosen('exec'), 'posix');
  assert.equal(chosen('notify'), 'notify');
});

test('suitability and defaults, provider by provider', () => {
  const reg = new Registry();
  const p = (type: string, name: string) => reg.type(type)!.providers.find((x) => x.name === name)!;
  const bare = host({ commands: [] });
  for (const [type, name] of [['package', 'apt'], ['package', 'dpkg'], ['service', 'systemd'], ['service', 'debian'], ['user', 'useradd'], ['group', 'groupadd'],
    ['firewall', 'nftables'], ['firewall', 'iptables']]) {
    assert.equal(p(type, name).suitable(host()), true, `${name} with every command`);
    assert.equal(p(type, name).suitable(bare), false, `${name} without its commands`);
  }
  assert.equal(p('service', 'debian').suitable(host({ osFamily: 'RedHat' })), false, 'debian only on Debian');
  assert.equal(p('user', 'useradd').isDefault!(host({ osFamily: 'Darwin' })), false);
  assert.equal(p('package', 'apt').isDefault!(host({ osFamily: 'RedHat' })), false);
  assert.equal(p('service', 'systemd').isDefault!(host({ initSystem: 'init' })), false);
});

test('a provider named by the resource is used when it works here, and refused otherwise', async () => {
  assert.equal(chosen('package', host(), { provider: 'dpkg' }), 'dpkg');
  await assertRaises(() => chosen('package', host(), { provider: 'yum' }), 'KSP-PROVIDERS-032', "Invalid package provider 'yum' (known: apt, dpkg)");
  await assertRaises(() => chosen('package', host({ commands: ['apt-get', 'dpkg-query'] }), { provider: 'dpkg' }), 'KSP-PROVIDERS-033', 'Provider dpkg is not functional on this host');
  await assertRaises(() => chosen('package', host({ commands: [] })), 'KSP-PROVIDERS-034', 'Could not find a suitable provider for package (tried apt, dpkg)');
  await assertRaises(() => chosen('nosuch'), 'KSP-PROVIDERS-031', "Kasper has no resource type 'nosuch'");
});

test('a provider for a type nobody registered is refused', async () => {
  const stray: Provider = { name: 'stray', type: 'nosuch', suitable: () => true, retrieve: async () => ({}), sync: async () => {} };
  await assertRaises(() => new Registry().addProvider(stray), 'KSP-PROVIDERS-030', 'Provider stray is for unknown type nosuch');
});

test("modules add types and providers from lib/kasper, and may replace Kasper's", async () => {
  const dir = tempDir();
  const lib = join(dir, 'modules', 'kv', 'lib', 'kasper');
  mkdirSync(join(lib, 'types'), { recursive: true });
  mkdirSync(join(lib, 'providers'), { recursive: true });
  writeFileSync(join(lib, 'types', 'kv.mjs'), "export const type = { name: 'kv', namevar: 'name', properties: [{ name: 'value' }], parameters: ['name'] };\n");
  writeFileSync(join(lib, 'providers', 'kv_file.mjs'),
    "export const provider = { name: 'kv_file', type: 'kv', suitable: () => true, retrieve: async () => ({}), sync: async () => {} };\n");
  writeFileSync(join(lib, 'providers', 'apt.mjs'),
    "export const provider = { name: 'apt', type: 'package', suitable: () => true, isDefault: () => true, retrieve: async () => ({ ensure: 'mine' }), sync: async () => {} };\n");
  writeFileSync(join(lib, 'providers', 'README'), 'not code');
  const reg = new Registry();
  const loaded = await reg.loadFromModules([join(dir, 'missing'), join(dir, 'modules')]);
  assert.deepEqual(loaded, ['kv/types/kv.mjs', 'kv/providers/apt.mjs', 'kv/providers/kv_file.mjs']);
  assert.ok(reg.typeNames().includes('kv'));
  assert.equal(reg.providerFor(res('kv', 'a'), host()).name, 'kv_file');
  // The module's apt replaces Kasper's (same name), and keeps its place among the type's providers last.
  assert.deepEqual(reg.type('package')!.providers.map((p) => p.name), ['dpkg', 'apt']);
  assert.deepEqual(await reg.providerFor(res('package', 'x'), host()).retrieve(res('package', 'x'), {} as never), { ensure: 'mine' });
});
