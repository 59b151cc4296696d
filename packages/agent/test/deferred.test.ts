// Deferred values on the agent: resolved before anything is applied (nested ones first, in
// arrays and hashes), with the built-in functions or a given library; Sensitive results make the
// parameter sensitive so no log line, event or report shows them; a call that fails fails the run
// with nothing changed. The same against Puppet 7 on real files: test/apply-conformance's
// deferred-values case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deferredData, sensitiveData, type CatalogValue } from '@kasper/catalog';
import { Transaction, resolveDeferred, withLocalFacts, type DeferredCaller } from '../src/index.ts';
import { bucketDir, catalogOf, changes, host, recorder, registry } from './fixtures.ts';

const facts = { kernel: 'Linux', os: { family: 'Debian', release: { major: '12' } }, disks: [{ name: 'vda' }] };

test('built-in functions: join (nested arrays flattened), unwrap, dig and $facts; nested Deferred first', async () => {
  const c = catalogOf([
    { title: 'join', params: { value: deferredData('join', [[1, ['a', null], 2.5], ':']) } },
    { title: 'unwrap', params: { value: deferredData('unwrap', [sensitiveData('s3cret')]) } },
    { title: 'fact', params: { value: deferredData('$facts', ['os', 'release', 'major']) } },
    { title: 'fact-index', params: { value: deferredData('$facts', ['disks', 0, 'name']) } },
    { title: 'missing', params: { value: deferredData('$facts', ['nope', 'deeper']) } },
    { title: 'other-variable', params: { value: deferredData('$kernel') } },
    { title: 'nested', params: { value: [deferredData('join', [[deferredData('join', [['x', 'y'], '+']), 'z'], '-']), { k: deferredData('unwrap', ['plain']), n: 1 }] } },
    { title: 'untouched', params: { value: 'no deferred here' } },
  ]);
  assert.equal(await resolveDeferred(c, { facts }), 7);
  const value = (t: string) => c.find('Kv', t)!.parameters.get('value');
  assert.equal(value('join'), '1:a::2.5');
  assert.equal(value('unwrap'), 's3cret');
  assert.equal(value('fact'), '12');
  assert.equal(value('fact-index'), 'vda');
  assert.equal(value('missing'), null);
  // Only $facts exists agent-side, as in Puppet's resolver.
  assert.equal(value('other-variable'), null);
  assert.deepEqual(value('nested'), ['x+y-z', { k: 'plain', n: 1 }]);
  assert.equal(value('untouched'), 'no deferred here');
  // unwrap takes the Sensitive off on purpose: the parameter is not sensitive (Puppet shows it too).
  assert.equal(c.find('Kv', 'unwrap')!.sensitiveParameters, undefined);
});

test('a given library is called with the resolved arguments, Sensitive ones still Sensitive', async () => {
  const calls: [string, CatalogValue[]][] = [];
  const call: DeferredCaller = async (name, args) => {
    calls.push([name, args]);
    if (name === 'vault') return sensitiveData(`pw-for-${String(args[0])}`);
    if (name === 'dig') return 'dug';
    return `${name}(${args.length})`;
  };
  const c = catalogOf([
    { title: 'a', params: { value: deferredData('vault', [deferredData('upcase', ['db'])]) } },
    { title: 'b', params: { value: deferredData('fmt', [sensitiveData('x'), 'y']) } },
    { title: 'c', params: { value: [deferredData('vault', ['app'])] } },
    { title: 'd', params: { value: deferredData('$facts', ['kernel']) } },
  ]);
  await resolveDeferred(c, { facts, call });
  assert.deepEqual(calls, [
    ['upcase', ['db']], ['vault', ['upcase(1)']], ['fmt', [sensitiveData('x'), 'y']], ['vault', ['app']], ['dig', [facts, 'kernel']],
  ]);
  // A Sensitive result is stored plain and its parameter becomes sensitive, even inside an array.
  assert.equal(c.find('Kv', 'a')!.parameters.get('value'), 'pw-for-upcase(1)');
  assert.deepEqual(c.find('Kv', 'a')!.sensitiveParameters, ['value']);
  assert.deepEqual(c.find('Kv', 'c')!.parameters.get('value'), ['pw-for-app']);
  assert.deepEqual(c.find('Kv', 'c')!.sensitiveParameters, ['value']);
  assert.equal(c.find('Kv', 'b')!.sensitiveParameters, undefined);
});

test('a Sensitive result never reaches a log line, an event or the report', async () => {
  const secret = 'hunter2-resolved';
  const call: DeferredCaller = (name, args) => (name === 'lookup_secret' ? sensitiveData(secret) : String(args[0]));
  const c = catalogOf([{ title: 'db', params: { value: deferredData('lookup_secret', ['db']) } }]);
  const exec = recorder({ db: 'old' });
  const lines: string[] = [];
  const t = new Transaction(c, {
    registry: registry(), host, exec, bucketDir: bucketDir(), deferred: { facts, call },
    onLog: (level, source, message) => lines.push(`${level}: ${source}: ${message}`),
  });
  const report = await t.run();
  // The value was applied…
  assert.deepEqual(changes(exec), [`kv set db ${secret}`]);
  // …and shown nowhere.
  assert.ok(!lines.join('\n').includes(secret), lines.join('\n'));
  assert.ok(!JSON.stringify(report).includes(secret));
  assert.match(lines.join('\n'), /value: changed \[redacted\] to \[redacted\]/);
});

test('a call that fails fails the run before any resource changes (KSP-AGENT-040)', async () => {
  const c = catalogOf([
    { title: 'first', params: { value: 'v' } },
    { title: 'broken', params: { value: deferredData('no_such_function', [1]) } },
  ]);
  const exec = recorder();
  const lines: string[] = [];
  const t = new Transaction(c, {
    registry: registry(), host, exec, bucketDir: bucketDir(), deferred: { facts },
    onLog: (level, source, message, code) => lines.push(`${level}: ${code}: ${message}`),
  });
  const report = await t.run();
  assert.equal(report.status, 'failed');
  assert.deepEqual(changes(exec), []);
  assert.deepEqual(lines, ["err: KSP-AGENT-040: Could not resolve the Deferred value of Kv[broken]'s 'value': Unknown function 'no_such_function'"]);
});

test("local facts: Puppet's order, the run's values, Puppet's version; agent_specified_environment only when chosen", () => {
  const host = { kernel: 'Linux', clientcert: 'stale' };
  assert.deepEqual(Object.entries(withLocalFacts(host, { certname: 'web01.example.com', noop: true, agentSpecifiedEnvironment: 'staging' })), [
    ['kernel', 'Linux'], ['puppetversion', '7.23.0'], ['agent_specified_environment', 'staging'],
    ['clientcert', 'web01.example.com'], ['clientversion', '7.23.0'], ['clientnoop', true],
  ]);
  const plain = withLocalFacts(host, { certname: 'web01.example.com', noop: false });
  assert.equal('agent_specified_environment' in plain, false);
  assert.equal(plain.clientnoop, false);
  assert.equal(host.clientcert, 'stale', 'the host facts are not changed');
});

test('preprocess_deferred = false: each resource resolved when it comes; a failure ends the run there, as Puppet ("Failed to apply catalog")', async () => {
  const c = catalogOf([
    { title: 'first', params: { value: deferredData('join', [['a', 'b'], '-']) } },
    { title: 'broken', params: { value: deferredData('no_such_function', []) } },
    { title: 'after', params: { value: 'never' } },
  ]);
  const exec = recorder();
  const lines: string[] = [];
  const t = new Transaction(c, {
    registry: registry(), host, exec, bucketDir: bucketDir(), deferred: { facts, preprocess: false },
    onLog: (level, source, message, code) => lines.push(`${level}: ${code}: ${message}`),
  });
  const report = await t.run();
  assert.equal(report.status, 'failed');
  assert.deepEqual(changes(exec), ['kv set first a-b']);
  assert.ok(lines.includes("err: KSP-AGENT-040: Failed to apply catalog: Could not resolve the Deferred value of Kv[broken]'s 'value': Unknown function 'no_such_function'"), lines.join('\n'));
});

test('a Sensitive inside a parameter (rich data, no Deferred) is applied plain and shown nowhere', async () => {
  // The compiler writes `value => [Sensitive('…')]` as Puppet 7 does: the array holds
  // {"__ptype": "Sensitive", …} (test/conformance/snippets/sensitive.snippets has Puppet's form).
  const secret = 'hunter2-nested';
  const c = catalogOf([
    { title: 'db', params: { value: [sensitiveData(secret)] } },
    { title: 'plain', params: { value: ['shown'] } },
  ]);
  const exec = recorder({ db: 'old', plain: 'old' });
  const lines: string[] = [];
  const t = new Transaction(c, {
    registry: registry(), host, exec, bucketDir: bucketDir(), deferred: { facts },
    onLog: (level, source, message) => lines.push(`${level}: ${source}: ${message}`),
  });
  const report = await t.run();
  assert.deepEqual(changes(exec), [`kv set db ${secret}`, 'kv set plain shown']);
  assert.deepEqual(c.find('Kv', 'db')!.sensitiveParameters, ['value']);
  assert.equal(c.find('Kv', 'plain')!.sensitiveParameters, undefined);
  assert.ok(!lines.join('\n').includes(secret), lines.join('\n'));
  assert.ok(!JSON.stringify(report).includes(secret));
  assert.match(lines.join('\n'), /value: changed \[redacted\] to \[redacted\]/);
  assert.match(lines.join('\n'), /shown/);
});
