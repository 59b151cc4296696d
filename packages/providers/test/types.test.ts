// What each type accepts: its validation, with Puppet's wording and a code from the catalogue
// for what it refuses, and the properties it asks the provider to manage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, ruleOf, fingerprint } from '../src/index.ts';
import { packageInSync } from '../src/types/package.ts';
import { assertRaises, res } from './fixtures.ts';

const reg = new Registry();
const validate = (type: string, title: string, params: Record<string, unknown> = {}) => reg.type(type)!.definition.validate?.(res(type, title, params));
const desired = (type: string, title: string, params: Record<string, unknown> = {}) => reg.type(type)!.definition.desired!(res(type, title, params));

test('file: fully qualified paths, known ensure values, one source of content, valid modes', async () => {
  validate('file', '/etc/motd', { ensure: 'file', mode: '0644' });
  validate('file', '/etc/motd', { mode: 'u=rw,go=r' });
  validate('file', '/etc/motd', { ensure: '/etc/issue' });
  await assertRaises(() => validate('file', 'etc/motd'), 'KSP-PROVIDERS-002', "Parameter path failed on File[etc/motd]: File paths must be fully qualified, not 'etc/motd'");
  await assertRaises(() => validate('file', '/x', { ensure: 'fil' }), 'KSP-PROVIDERS-001',
    'Parameter ensure failed on File[/x]: Invalid value "fil". Valid values are present, absent, file, directory, link.');
  await assertRaises(() => validate('file', '/x', { content: 'a', source: '/y' }), 'KSP-PROVIDERS-003', 'You cannot specify more than one of content, source, target');
  await assertRaises(() => validate('file', '/x', { content: 'a', target: '/y' }), 'KSP-PROVIDERS-003');
  await assertRaises(() => validate('file', '/x', { mode: '0999' }), 'KSP-PROVIDERS-004', 'Parameter mode failed on File[/x]: The file mode specification is invalid: "0999"');
  await assertRaises(() => validate('file', '/x', { mode: 'u=rwq' }), 'KSP-PROVIDERS-004');
});

test('file: what is managed follows from the parameters given', () => {
  assert.deepEqual(desired('file', '/x', { content: 'hi', mode: '0600' }), { ensure: 'file', content: 'hi', mode: '0600' });
  assert.deepEqual(desired('file', '/x', { ensure: '/target' }), { ensure: 'link', target: '/target' });
  assert.deepEqual(desired('file', '/x', { ensure: 'absent', mode: '0600' }), { ensure: 'absent' });
  assert.deepEqual(desired('file', '/x', { source: 'puppet:///modules/m/f' }), { ensure: 'file', content: { source: 'puppet:///modules/m/f' } });
  assert.deepEqual(desired('file', '/x', { ensure: 'link', target: '/t', mode: '0600' }), { ensure: 'link', target: '/t' }, 'a link has no mode');
});

test('service: ensure and enable take the values Puppet takes', async () => {
  validate('service', 'nginx', { ensure: true, enable: 'mask' });
  assert.deepEqual(desired('service', 'nginx', { ensure: 'true', enable: false }), { ensure: 'running', enable: 'false' });
  await assertRaises(() => validate('service', 'nginx', { ensure: 'up' }), 'KSP-PROVIDERS-001',
    'Parameter ensure failed on Service[nginx]: Invalid value "up". Valid values are stopped, running.');
  await assertRaises(() => validate('service', 'nginx', { enable: 'yes' }), 'KSP-PROVIDERS-001', /Parameter enable failed on Service\[nginx\]: Invalid value "yes"\. Valid values are true, false, manual, mask\./);
});

test('exec: a qualified command or a path, a numeric timeout, qualified creates', async () => {
  validate('exec', 'run', { command: '/bin/true', timeout: '30', creates: ['/tmp/a'] });
  validate('exec', 'echo hi', { path: '/bin' });
  validate('exec', 'echo hi', { provider: 'shell' });
  validate('exec', '/bin/true', { timeout: -5 });
  await assertRaises(() => validate('exec', 'echo hi'), 'KSP-PROVIDERS-006',
    "Parameter command failed on Exec[echo hi]: 'echo hi' is not qualified and no path was specified. Please qualify the command or specify a path.");
  await assertRaises(() => validate('exec', '/bin/true', { timeout: 'soon' }), 'KSP-PROVIDERS-007', 'Parameter timeout failed on Exec[/bin/true]: The timeout must be a number.');
  await assertRaises(() => validate('exec', '/bin/true', { creates: ['/a', 'b'] }), 'KSP-PROVIDERS-008', 'Parameter creates failed on Exec[/bin/true]: creates must be a fully qualified path');
  assert.deepEqual(desired('exec', '/bin/true', { returns: [0, 2] }), { returns: '0, 2' });
  assert.deepEqual(desired('exec', '/bin/true', { refreshonly: true }), {}, 'refreshonly: in sync until refreshed');
});

test('user, group and package names and ensure values', async () => {
  validate('user', 'www-data', { ensure: 'present' });
  validate('group', 'adm');
  await assertRaises(() => validate('user', '9lives'), 'KSP-PROVIDERS-009', "Invalid user name '9lives'");
  await assertRaises(() => validate('group', 'a b'), 'KSP-PROVIDERS-009', "Invalid group name 'a b'");
  await assertRaises(() => validate('user', 'bob', { ensure: 'gone' }), 'KSP-PROVIDERS-001', /^Parameter ensure failed on User\[bob\]: Invalid value "gone"\. Valid values are present, absent, role\.$/);
  await assertRaises(() => validate('package', 'vim', { ensure: ' ' }), 'KSP-PROVIDERS-001', /^Parameter ensure failed on Package\[vim\]: Invalid value " "/);
  assert.deepEqual(desired('user', 'bob', { uid: 1001, groups: ['b', 'a'] }), { ensure: 'present', uid: '1001', groups: 'a,b' });
});

test('package: which installed versions satisfy ensure', () => {
  assert.equal(packageInSync('1.2', 'present'), true);
  assert.equal(packageInSync('absent', 'installed'), false);
  assert.equal(packageInSync('purged', 'absent'), true);
  assert.equal(packageInSync('absent', 'purged'), false, 'config files left: not purged');
  assert.equal(packageInSync('1.2', '1.3'), false);
  assert.equal(packageInSync('1.3', '1.3'), true);
});

test('firewall: rules are read as puppetlabs-firewall reads them, and refused with a reason', async () => {
  const rule = ruleOf(res('firewall', '100 allow ssh', { proto: 'TCP', dport: ['22', '2200:2210'], source: '10.0.0.0/8', state: ['new', 'established'] }));
  assert.deepEqual(rule, {
    name: '100 allow ssh', chain: 'INPUT', table: 'filter', family: 'IPv4', proto: 'tcp', dport: ['22', '2200-2210'], sport: undefined,
    source: '10.0.0.0/8', destination: undefined, iniface: undefined, outiface: undefined, state: ['ESTABLISHED', 'NEW'], action: 'accept',
  });
  assert.equal(fingerprint(rule), fingerprint({ ...rule }));
  assert.notEqual(fingerprint(rule), fingerprint({ ...rule, action: 'drop' }));
  const bad = async (title: string, params: Record<string, unknown>, code: string, message?: string | RegExp) =>
    assertRaises(() => ruleOf(res('firewall', title, params)), code, message);
  await bad('allow ssh', {}, 'KSP-PROVIDERS-010', `Invalid value "allow ssh": a rule name begins with a number to order it, e.g. '100 allow ssh'`);
  await bad(`100 ${'x'.repeat(100)}`, {}, 'KSP-PROVIDERS-011');
  await bad('100 x', { action: 'allow' }, 'KSP-PROVIDERS-001', 'Parameter action failed on Firewall[100 x]: Invalid value "allow". Valid values are accept, drop, reject.');
  await bad('100 x', { proto: 'tpc' }, 'KSP-PROVIDERS-001', /^Parameter proto failed on Firewall\[100 x\]: Invalid value "tpc"\. Valid values are tcp, udp/);
  await bad('100 x', { proto: 'tcp', dport: 70000 }, 'KSP-PROVIDERS-012', "Invalid port '70000' for dport");
  await bad('100 x', { dport: 22 }, 'KSP-PROVIDERS-013', 'dport needs proto => tcp, udp or sctp');
  await bad('100 x', { source: '10.0.0/8' }, 'KSP-PROVIDERS-014', "Invalid source '10.0.0/8' for IPv4");
  await bad('100 x', { ctstate: 'BOGUS' }, 'KSP-PROVIDERS-001', /^Parameter ctstate failed on Firewall\[100 x\]: Invalid value "BOGUS"/);
  await assertRaises(() => validate('firewall', '100 x', { ensure: 'on' }), 'KSP-PROVIDERS-001', /^Parameter ensure failed on Firewall\[100 x\]/);
  validate('firewallchain', 'INPUT:filter:IPv4');
  await assertRaises(() => validate('firewallchain', 'INPUT'), 'KSP-PROVIDERS-015', "Invalid firewallchain name 'INPUT': use CHAIN:TABLE:PROTOCOL, e.g. INPUT:filter:IPv4");
});
