import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, networkInterfaces, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { collectFacts, formatFacts, lastResolved } from '../src/index.ts';

test('structured facts agree with the operating system', async () => {
  const f = await collectFacts({ externalDirs: [] }) as Record<string, any>;
  const osRelease = readFileSync('/etc/os-release', 'utf8');
  const id = /^ID=("?)(.*)\1$/m.exec(osRelease)![2];
  if (id === 'debian' || id === 'ubuntu') assert.equal(f.os.family, 'Debian');
  assert.equal(f.osfamily, f.os.family);
  assert.equal(f.processors.count, cpus().length);
  assert.ok(Math.abs(f.memory.system.total_bytes - totalmem()) < 64 * 1024 * 1024);
  assert.ok('lo' in f.networking.interfaces);
  assert.deepEqual(Object.keys(f.networking.interfaces).sort(), Object.keys(networkInterfaces()).sort());
  assert.equal(f.identity.uid, process.getuid!());
  assert.equal(typeof f.system_uptime.seconds, 'number');
  assert.ok(f.mountpoints['/']);
  assert.equal(typeof f.is_virtual, 'boolean');
  assert.equal(f.kernel, 'Linux');
});

test('asking for some facts runs only their resolvers', async () => {
  const f = await collectFacts({ names: ['os.release.major'], externalDirs: [] });
  assert.deepEqual(lastResolved, ['os']);
  assert.deepEqual(Object.keys(f), ['os']);
});

test('external facts in YAML, JSON, key=value text and executables; they override core facts', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-facts-'));
  writeFileSync(join(dir, 'a.yaml'), 'role: web\ndatacenter: { name: ams1 }\n');
  writeFileSync(join(dir, 'b.json'), '{"owner": "ops", "kernel": "Overridden"}');
  writeFileSync(join(dir, 'c.txt'), 'rack=r12\n# comment\nrow = 3\n');
  writeFileSync(join(dir, 'd.sh'), '#!/bin/sh\necho "from_script=yes"\n');
  chmodSync(join(dir, 'd.sh'), 0o755);
  const f = await collectFacts({ externalDirs: [dir] }) as Record<string, any>;
  assert.equal(f.role, 'web');
  assert.deepEqual(f.datacenter, { name: 'ams1' });
  assert.equal(f.owner, 'ops');
  assert.equal(f.kernel, 'Overridden');
  assert.equal(f.rack, 'r12');
  assert.equal(f.row, '3');
  assert.equal(f.from_script, 'yes');
});

test('facts print as JSON or YAML, whole or one by dotted name', () => {
  const facts = { os: { release: { major: '12' } }, list: ['a'] };
  assert.equal(formatFacts(facts, { format: 'json', name: 'os.release.major' }), '"12"\n');
  assert.equal(formatFacts(facts, { format: 'yaml', name: 'os.release.major' }), '12\n');
  assert.match(formatFacts(facts, { format: 'yaml' }), /os:\n {2}release:\n {4}major: "12"/);
  assert.throws(() => formatFacts(facts, { format: 'json', name: 'os.nope' }), /no fact named 'os.nope'/);
});
