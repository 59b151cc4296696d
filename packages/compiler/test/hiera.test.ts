import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hiera, HieraError, mergeValues } from '../src/hiera.ts';
import { fromData } from '../src/facts.ts';
import type { Value } from '../src/values.ts';

const root = mkdtempSync(join(tmpdir(), 'kasper-hiera-'));
after(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

write('env/hiera.yaml', `---
version: 5
defaults:
  datadir: data
  data_hash: yaml_data
hierarchy:
  - name: node
    path: "nodes/%{trusted.certname}.yaml"
  - name: os
    path: "os/%{facts.os.family}.yaml"
  - name: json
    path: "extra.json"
    data_hash: json_data
  - name: common
    path: common.yaml
`);
write('env/data/nodes/web1.example.com.yaml', `---
ntp::servers: [a.example.com]
users: { alice: { uid: 1001, groups: [admin] } }
packages: [vim]
message: "hello %{facts.os.family} from %{::hostname}"
port: 8080
`);
write('env/data/os/Debian.yaml', `---
ntp::servers: [b.example.com]
users: { bob: { uid: 1002 }, alice: { groups: [dev], shell: /bin/zsh } }
packages: [curl, vim]
aliased: "%{alias('users')}"
`);
write('env/data/extra.json', '{ "ratio": 1.5, "count": 3, "whole": 2.0 }');
write('env/data/common.yaml', `---
lookup_options:
  packages:
    merge: unique
  "^user.*":
    merge: { strategy: deep, merge_hash_arrays: true }
packages: [git]
`);
write('modules/ntp/hiera.yaml', 'version: 5\nhierarchy:\n  - name: common\n    path: common.yaml\n');
write('modules/ntp/data/common.yaml', 'ntp::servers: [pool.ntp.org]\nntp::iburst: true\nother::key: ignored\n');

const facts = fromData({ os: { family: 'Debian' }, hostname: 'web1' }) as Map<Value, Value>;
const vars: Record<string, Value> = {
  facts,
  hostname: 'web1',
  trusted: fromData({ certname: 'web1.example.com' }),
};
const scope = { variable: (n: string) => vars[n] };
const hiera = new Hiera([join(root, 'env/hiera.yaml')], (m) => (m === 'ntp' || m === 'other' ? join(root, 'modules', m) : undefined));

test('first found wins along the hierarchy, paths interpolate facts and trusted data', () => {
  assert.deepEqual(hiera.lookup('ntp::servers', scope), { found: true, value: ['a.example.com'] });
  assert.deepEqual(hiera.lookup('missing', scope), { found: false, value: undefined });
});

test('module data is found for keys in the module namespace only', () => {
  assert.deepEqual(hiera.lookup('ntp::iburst', scope), { found: true, value: true });
  assert.equal(hiera.lookup('other::key', scope).found, false);
});

test('lookup_options pick the merge: unique by name, deep by regex', () => {
  assert.deepEqual(hiera.lookup('packages', scope).value, ['vim', 'curl', 'git']);
  const users = hiera.lookup('users', scope).value as Map<Value, Value>;
  const alice = users.get('alice') as Map<Value, Value>;
  // A deep merge keeps the lower-priority hash's key order (as Puppet does: conformance case 191).
  assert.deepEqual([...users.keys()], ['bob', 'alice']);
  assert.equal(alice.get('uid'), 1001n);
  assert.equal(alice.get('shell'), '/bin/zsh');
  assert.deepEqual(alice.get('groups'), ['dev', 'admin']);
});

test('an explicit merge overrides lookup_options; hash merge is shallow', () => {
  const users = hiera.lookup('users', scope, { strategy: 'hash' }).value as Map<Value, Value>;
  assert.equal((users.get('alice') as Map<Value, Value>).get('shell'), undefined);
  assert.deepEqual(hiera.lookup('packages', scope, { strategy: 'first' }).value, ['vim']);
});

test('values interpolate variables; alias() keeps the type; dotted keys dig', () => {
  assert.equal(hiera.lookup('message', scope).value, 'hello Debian from web1');
  assert.ok(hiera.lookup('aliased', scope).value instanceof Map);
  assert.equal(hiera.lookup('users.alice.uid', scope).value, 1001n);
  assert.equal(hiera.lookup('port', scope).value, 8080n);
});

test('JSON data keeps integers and floats apart', () => {
  assert.equal(hiera.lookup('count', scope).value, 3n);
  assert.equal(hiera.lookup('ratio', scope).value, 1.5);
  assert.equal(hiera.lookup('whole', scope).value, 2);
});

test('bad configuration is a clear error', () => {
  write('bad/hiera.yaml', 'version: 3\n');
  assert.throws(() => new Hiera([join(root, 'bad/hiera.yaml')], () => undefined), HieraError);
  write('ruby/hiera.yaml', 'version: 5\nhierarchy:\n  - name: vault\n    lookup_key: vault_lookup\n');
  assert.throws(() => new Hiera([join(root, 'ruby/hiera.yaml')], () => undefined), /Ruby backend/);
});

test('merge strategies on plain values', () => {
  assert.deepEqual(mergeValues([['a'], 'b', ['a', 'c']], { strategy: 'unique' }), ['a', 'b', 'c']);
  const deep = mergeValues([fromData({ a: { x: 1n } }), fromData({ a: { y: 2n }, b: 3n })], { strategy: 'deep' }) as Map<Value, Value>;
  assert.deepEqual([...(deep.get('a') as Map<Value, Value>).entries()], [['y', 2n], ['x', 1n]]);
  assert.equal(deep.get('b'), 3n);
});

test('eyaml levels: lookup_key in defaults or a level, globs, a module layer, options interpolated, decrypted values merged', async () => {
  const { Keyring, encryptForOutput } = await import('@kasper/secrets');
  const keys = join(import.meta.dirname, '..', '..', '..', 'test', 'secrets', 'fixture', 'keys');
  const enc = (v: string) => encryptForOutput(v, new Keyring({ publicKey: join(keys, 'production', 'public_key.pkcs7.pem') }), 'string');
  // The defaults name the backend and its options; the environment's name picks the key folder.
  write('ey/hiera.yaml', `---
version: 5
defaults:
  datadir: data
  lookup_key: eyaml_lookup_key
  options:
    pkcs7_private_key: "${keys}/%{environment}/private_key.pkcs7.pem"
hierarchy:
  - name: secrets
    globs: ["secrets/*.eyaml"]
  - name: plain
    path: common.yaml
    data_hash: yaml_data
`);
  write('ey/data/secrets/a.eyaml', `---\nlookup_options:\n  list:\n    merge: unique\nlist:\n  - ${enc('one')}\ntoken: ${enc('from a')}\n`);
  write('ey/data/secrets/b.eyaml', `---\nlist:\n  - ${enc('two')}\n  - plain\n`);
  write('ey/data/common.yaml', 'list: [three]\nplain: not decrypted ENC[PKCS7,abc]\n');
  write('eymod/hiera.yaml', `version: 5\nhierarchy:\n  - name: m\n    path: m.eyaml\n    lookup_key: eyaml_lookup_key\n    options: { pkcs7_private_key: "${keys}/production/private_key.pkcs7.pem" }\n`);
  write('eymod/data/m.eyaml', `mod::pw: ${enc('module secret')}\n`);
  const h = new Hiera([join(root, 'ey/hiera.yaml')], (m) => (m === 'mod' ? join(root, 'eymod') : undefined));
  const s = { variable: (n: string) => (n === 'environment' ? 'production' : undefined) };
  assert.deepEqual(h.lookup('token', s), { found: true, value: 'from a' });
  assert.deepEqual(h.lookup('list', s), { found: true, value: ['one', 'two', 'plain', 'three'] });
  assert.deepEqual(h.lookup('mod::pw', s), { found: true, value: 'module secret' });
  // A yaml_data level does not decrypt.
  assert.deepEqual(h.lookup('plain', s), { found: true, value: 'not decrypted ENC[PKCS7,abc]' });
  assert.deepEqual(h.decryptedSecrets(), ['module secret', 'from a']);
  // Another environment names another key folder, which does not exist.
  assert.throws(() => h.lookup('token', { variable: (n: string) => (n === 'environment' ? 'testing' : undefined) }), /testing\/private_key\.pkcs7\.pem: ENOENT/);
  write('ey2/hiera.yaml', 'version: 5\nhierarchy:\n  - name: secrets\n    lookup_key: eyaml_lookup_key\n');
  assert.throws(() => new Hiera([join(root, 'ey2/hiera.yaml')], () => undefined), /one of 'path', 'paths' 'glob', 'globs' or 'mapped_paths' must be declared/);
});
