// exec on a recording executor: command lines split as a shell would (without one), checks
// (creates, onlyif, unless), returns, tries, timeouts, and the errors with Puppet's wording.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordedExecutor, runChecked, splitCommand, type Executor, type RunOptions } from '../src/index.ts';
import { execPosix } from '../src/providers/exec-posix.ts';
import { assertRaises, context, res, tempDir } from './fixtures.ts';

test('command lines split into words: quotes group, backslashes escape', async () => {
  assert.deepEqual(splitCommand('/bin/echo  a "b c" \'d "e"\' f\\ g'), ['/bin/echo', 'a', 'b c', 'd "e"', 'f g']);
  assert.deepEqual(splitCommand('/bin/true ""'), ['/bin/true', '']);
  assert.deepEqual(splitCommand('"a\\"b"'), ['a"b']);
  await assertRaises(() => splitCommand('/bin/echo "open'), 'KSP-PROVIDERS-020', 'Unbalanced quotes in command: /bin/echo "open');
});

test('checks decide whether it runs: creates absent, every onlyif succeeding, every unless failing', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'done'), '');
  const exec = new RecordedExecutor().on('/bin/test -e /x', { exitCode: 1 }).on('/bin/grep -q y /etc/y', { exitCode: 0 });
  const ctx = context(exec);
  // `notrun` is out of sync (the command is due); otherwise the returns asked for count as had.
  const returns = async (params: Record<string, unknown>) => (await execPosix.retrieve(res('exec', '/bin/make', params), ctx)).returns;
  assert.equal(await returns({}), 'notrun');
  assert.equal(await returns({ creates: join(dir, 'done') }), '0');
  assert.equal(await returns({ creates: join(dir, 'not-yet') }), 'notrun');
  assert.equal(await returns({ onlyif: '/bin/test -e /x' }), '0');
  assert.equal(await returns({ onlyif: '/bin/grep -q y /etc/y', unless: '/bin/test -e /x' }), 'notrun');
  assert.equal(await returns({ unless: '/bin/grep -q y /etc/y', returns: [0, 2] }), '0, 2');
  assert.deepEqual(await execPosix.retrieve(res('exec', '/bin/make', { refreshonly: true }), ctx), {}, 'refreshonly: only on refresh');
});

test('a command found on the path runs with the path and environment it asks for', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'tool'), '#!/bin/sh\n');
  const seen: { command: string; args: string[]; options?: RunOptions }[] = [];
  const exec: Executor = { run: async (command, args, options) => (seen.push({ command, args, options }), { exitCode: 0, stdout: '', stderr: '', timedOut: false }) };
  await execPosix.sync(res('exec', 'tool --now', { path: [dir, '/nowhere'], environment: ['A=1', 'B=x=y'], timeout: -1 }), [], { ...context(), exec });
  assert.equal(seen[0].command, join(dir, 'tool'));
  assert.deepEqual(seen[0].args, ['--now']);
  assert.deepEqual(seen[0].options?.env, { PATH: `${dir}:/nowhere`, A: '1', B: 'x=y' });
  assert.equal(seen[0].options?.timeout, 0, 'a negative timeout is none');
  await assertRaises(() => execPosix.sync(res('exec', 'nosuchtool', { path: [dir] }), [], context()), 'KSP-PROVIDERS-019', "Could not find command 'nosuchtool'");
  await assertRaises(() => execPosix.sync(res('exec', '/bin/true', { user: 'no-such-user-here' }), [], context()), 'KSP-PROVIDERS-017', 'Could not find user no-such-user-here');
});

test('an unexpected exit code fails with its output logged; tries repeat; a timeout is its own error', async () => {
  const failing = new RecordedExecutor().on('/bin/false', { exitCode: 1, stdout: 'one\ntwo\n' });
  const ctx = context(failing);
  await assertRaises(() => execPosix.sync(res('exec', '/bin/false', { tries: 3 }), [], ctx), 'KSP-PROVIDERS-022', "'/bin/false' returned 1 instead of one of [0]");
  assert.equal(failing.calls.length, 3);
  assert.deepEqual(ctx.logs, ['info: (Exec[/bin/false]/returns) one', 'info: (Exec[/bin/false]/returns) two']);
  const ok = new RecordedExecutor().on('/bin/false', { exitCode: 1 });
  await execPosix.sync(res('exec', '/bin/false', { returns: [0, 1] }), [], context(ok));
  const slow = new RecordedExecutor().on('/bin/sleep 10', { exitCode: 143, timedOut: true });
  await assertRaises(() => execPosix.sync(res('exec', '/bin/sleep 10', { timeout: 2 }), [], context(slow)), 'KSP-PROVIDERS-021', 'Command exceeded timeout (2 s)');
});

test('runChecked: a failed command is an error with its last lines of output', async () => {
  const exec = new RecordedExecutor().on('useradd bob', { exitCode: 9, stderr: 'useradd: user \'bob\' already exists\n' }).on('true', {});
  assert.equal((await runChecked(exec, 'true', [])).exitCode, 0);
  await assertRaises(() => runChecked(exec, 'useradd', ['bob']), 'KSP-PROVIDERS-029', "Execution of 'useradd bob' returned 9: useradd: user 'bob' already exists");
  // A command nobody recorded answers 127, as a missing command would.
  await assertRaises(() => runChecked(exec, 'nosuch', ['x']), 'KSP-PROVIDERS-029', "Execution of 'nosuch x' returned 127: no recorded result for: nosuch x");
});
