// The system executor on real commands: exit codes and output as they are, never a throw; a
// command that cannot start or is killed answers 127 with why; timeouts; input; the shell only
// when asked; the environment in the C locale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemExecutor } from '../src/index.ts';
import { isRoot, needs } from '../../../test/support/host.ts';

const x = new SystemExecutor();

test('a command\'s exit code and both outputs come back as they are', async () => {
  assert.deepEqual(await x.run('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3']), { exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
  assert.deepEqual(await x.run('/bin/echo', ['a  b', "it's"]), { exitCode: 0, stdout: "a  b it's\n", stderr: '', timedOut: false });
  // Output that is not UTF-8 is decoded with replacement characters, not refused.
  assert.equal((await x.run('printf', ['\\377ab'])).stdout, '\ufffdab');
  assert.equal(x.history.at(-1)?.command, 'printf');
});

test('a command that cannot start answers 127 with why', async () => {
  const missing = await x.run('kasper-no-such-command', ['a', 'b c']);
  assert.equal(missing.exitCode, 127);
  assert.equal(missing.stderr, "Command failed with ENOENT: kasper-no-such-command a 'b c'\nspawn kasper-no-such-command ENOENT");
  const dir = mkdtempSync(join(tmpdir(), 'kasper-exec-'));
  try {
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
    const notExecutable = await x.run(file, []);
    assert.equal(notExecutable.exitCode, 127);
    assert.equal(notExecutable.stderr, `Command failed with EACCES: ${file}\nspawn ${file} EACCES`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const noCwd = await x.run('ls', [], { cwd: '/kasper/no/such/folder' });
  assert.equal(noCwd.exitCode, 127);
  assert.match(noCwd.stderr, /^Command failed with ENOENT: ls\nThe "cwd" option is invalid: \/kasper\/no\/such\/folder\./);
});

test('a command killed by a signal answers 127 and names the signal', async () => {
  const r = await x.run('/bin/sh', ['-c', 'kill -9 $$']);
  assert.deepEqual(r, { exitCode: 127, stdout: '', stderr: "Command was killed with SIGKILL (Forced termination): /bin/sh -c 'kill -9 $$'", timedOut: false });
});

test('past its timeout a command is ended and says so; one that ignores SIGTERM and finishes keeps its exit code', async () => {
  const started = Date.now();
  const slow = await x.run('/bin/sh', ['-c', 'echo started; exec sleep 5'], { timeout: 0.3 });
  assert.deepEqual(slow, { exitCode: 127, stdout: 'started\n', stderr: '', timedOut: true });
  assert.ok(Date.now() - started < 3000);
  const stubborn = await x.run('/bin/sh', ['-c', 'trap "" TERM; sleep 0.6; echo done'], { timeout: 0.2 });
  assert.deepEqual(stubborn, { exitCode: 0, stdout: 'done\n', stderr: '', timedOut: true });
});

test('input goes to the command\'s stdin; a command that does not read it is no error', async () => {
  assert.equal((await x.run('cat', [], { input: 'hello\n' })).stdout, 'hello\n');
  assert.equal((await x.run('/bin/true', [], { input: 'x'.repeat(1 << 20) })).exitCode, 0);
});

test('the shell only when asked: one command line, words joined by spaces', async () => {
  const shell = await x.run('echo $0 "a  b"', ['x', 'y'], { shell: true });
  assert.equal(shell.stdout, '/bin/sh a  b x y\n');
  const plain = await x.run('/bin/echo', ['$0', '*']);
  assert.equal(plain.stdout, '$0 *\n');
});

test('the environment: the process\'s, in the C locale, with what the caller adds; cwd', async () => {
  const r = await x.run('/bin/sh', ['-c', 'echo "$LANG $LC_ALL $KASPER_X $HOME"; pwd'], { env: { KASPER_X: 'y' }, cwd: '/' });
  assert.equal(r.stdout, `C C y ${process.env.HOME ?? ''}\n/\n`);
});

test('as another user and group (exec\'s `user`; the agent runs as root)', async (t) => {
  if (!needs(t, isRoot, 'needs root to run a command as another user')) return;
  assert.equal((await x.run('id', ['-u'], { uid: 65534, gid: 65534 })).stdout, '65534\n');
  assert.equal((await x.run('id', ['-g'], { uid: 65534, gid: 65534 })).stdout, '65534\n');
});
