// Files: modes in octal and symbolic form, owners and groups by name or number, and the posix
// provider on a temporary folder (content replaced with the old one kept in the bucket, a
// directory replaced only with force, unknown owners refused).
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry, contentChecksum, type Change } from '../src/index.ts';
import { desiredMode, formatMode, gidOf, groupName, uidOf, userName } from '../src/posix.ts';
import { assertRaises, context, res, tempDir } from './fixtures.ts';

test('modes: octal, and symbolic relative to the current mode', () => {
  assert.equal(desiredMode('644', 0o777, false), 0o644);
  assert.equal(desiredMode('0750', 0, true), 0o750);
  assert.equal(desiredMode('u=rw,go=r', 0o777, false), 0o644);
  assert.equal(desiredMode('a+x', 0o644, false), 0o755);
  assert.equal(desiredMode('go-w', 0o666, false), 0o644);
  assert.equal(desiredMode('g=u', 0o740, false), 0o770);
  assert.equal(desiredMode('a+X', 0o644, false), 0o644, 'X: only for directories or what is executable already');
  assert.equal(desiredMode('a+X', 0o644, true), 0o755);
  assert.equal(desiredMode('u+s,o+t', 0o755, false), 0o5755);
  assert.equal(desiredMode('u=rwq', 0o644, false), undefined);
  assert.equal(desiredMode('rw', 0o644, false), undefined);
  assert.equal(formatMode(0o100644), '0644');
  assert.equal(formatMode(0o41777), '1777');
});

test('owners and groups by name or number', () => {
  assert.equal(uidOf('root'), 0);
  assert.equal(uidOf('1234'), 1234);
  assert.equal(uidOf('no-such-user-here'), undefined);
  assert.equal(gidOf('root'), 0);
  assert.equal(gidOf('no-such-group-here'), undefined);
  assert.equal(userName(0), 'root');
  assert.equal(groupName(0), 'root');
  assert.equal(userName(987654), '987654', 'an id without a name prints as the number');
});

const file = new Registry().type('file')!;
const provider = file.providers[0];
const change = (property: string, is: unknown, should: unknown): Change => ({ property, is, should, message: '' });

test('the posix provider creates, reads back, and replaces content keeping the old one in the bucket', async () => {
  const dir = tempDir();
  const path = join(dir, 'motd');
  const ctx = context();
  const r = res('file', path, { ensure: 'file', content: 'hello\n', mode: '0640' });
  assert.deepEqual(await provider.retrieve(r, ctx), { ensure: 'absent' });
  await provider.sync(r, [change('ensure', 'absent', 'file')], ctx);
  assert.equal(readFileSync(path, 'utf8'), 'hello\n');
  assert.equal(statSync(path).mode & 0o7777, 0o640);
  const now = await provider.retrieve(r, ctx);
  assert.equal(now.ensure, 'file');
  assert.equal(now.mode, '0640');
  assert.equal(now.owner, userName(process.getuid!()));
  const format = file.definition.properties.find((p) => p.name === 'content')!.format!;
  // sha256 as Puppet 7's default digest_algorithm; a file's `checksum` picks another.
  assert.equal(format(now.content, r), `{sha256}${createHash('sha256').update('hello\n').digest('hex')}`);
  assert.equal(format(now.content, { ...r, params: { ...r.params, checksum: 'md5' } }), `{md5}${createHash('md5').update('hello\n').digest('hex')}`);
  assert.equal(contentChecksum('x'.repeat(600), 'md5lite'), `{md5lite}${createHash('md5').update('x'.repeat(512)).digest('hex')}`);
  await provider.sync(r, [change('content', now.content, Buffer.from('bye\n'))], ctx);
  assert.equal(readFileSync(path, 'utf8'), 'bye\n');
  assert.deepEqual(ctx.bucket.list().map((e) => e.paths), [[path]]);
  assert.equal(ctx.bucket.get(ctx.bucket.list()[0].checksum)!.toString(), 'hello\n');
  assert.deepEqual(ctx.exec.calls, [], 'files are written without running commands');
});

test('the posix provider refuses what it cannot do, with the reason', async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'd'));
  const ctx = context();
  await assertRaises(() => provider.sync(res('file', join(dir, 'd'), { ensure: 'file' }), [change('ensure', 'directory', 'file')], ctx),
    'KSP-PROVIDERS-016', "Not removing directory; use 'force' to override");
  await assertRaises(() => provider.sync(res('file', join(dir, 'd'), { ensure: 'absent' }), [change('ensure', 'directory', 'absent')], ctx), 'KSP-PROVIDERS-016');
  await provider.sync(res('file', join(dir, 'd'), { ensure: 'absent', force: true }), [change('ensure', 'directory', 'absent')], ctx);
  assert.deepEqual(await provider.retrieve(res('file', join(dir, 'd')), ctx), { ensure: 'absent' });
  writeFileSync(join(dir, 'f'), 'x');
  await assertRaises(() => provider.sync(res('file', join(dir, 'f'), { owner: 'no-such-user-here' }), [change('owner', 'root', 'no-such-user-here')], ctx),
    'KSP-PROVIDERS-017', 'Could not find user no-such-user-here');
  await assertRaises(() => provider.sync(res('file', join(dir, 'f'), { group: 'no-such-group-here' }), [change('group', 'root', 'no-such-group-here')], ctx),
    'KSP-PROVIDERS-018', 'Could not find group no-such-group-here');
});

test('a source that exists nowhere is an error naming every source tried', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'second'), 'from the second\n');
  const ctx = { ...context(), readSource: async () => undefined };
  const found = res('file', '/x', { source: ['puppet:///modules/m/nope', join(dir, 'second')] });
  const d = file.definition.desired!(found);
  await file.definition.prepare!(found, d, ctx);
  assert.equal(String(d.content), 'from the second\n');
  const missing = res('file', '/x', { source: ['puppet:///modules/m/nope', join(dir, 'nope')] });
  await assertRaises(() => file.definition.prepare!(missing, file.definition.desired!(missing), ctx), 'KSP-PROVIDERS-005',
    `Could not retrieve information from environment: none of the sources exist: puppet:///modules/m/nope, ${join(dir, 'nope')}`);
});

test('checksum: a digest Puppet 7 knows, and never mtime, ctime or none with content (as Puppet refuses them)', async () => {
  const def = file.definition;
  await assertRaises(() => def.validate!(res('file', '/tmp/x', { content: 'x', checksum: 'crc32' })), 'KSP-PROVIDERS-001', /Invalid value "crc32"/);
  for (const checksum of ['mtime', 'ctime', 'none']) {
    await assertRaises(() => def.validate!(res('file', '/tmp/x', { content: 'x', checksum })), 'KSP-PROVIDERS-129', `Validation of File[/tmp/x] failed: You cannot specify content when using checksum '${checksum}'`);
  }
  def.validate!(res('file', '/tmp/x', { content: 'x', checksum: 'sha384' }));
  def.validate!(res('file', '/tmp/x', { source: '/etc/hostname', checksum: 'mtime' }));
});
