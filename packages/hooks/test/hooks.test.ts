import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHook, Slots } from '../src/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'kasper-hooks-'));
const script = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
};
/** Whether a process still runs: gone, or a zombie nobody has reaped yet (as under a PID 1 that does not reap), is not running. */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

test('a hook gets its argument and stdin, and its output is kept within a bound', async () => {
  const echo = script('echo.sh', 'read line; echo "$1:$line"');
  const r = await runHook(echo, ['web1'], { stdin: 'hello\n', timeoutMs: 5000, maxOutputBytes: 100 });
  assert.deepEqual([r.code, r.stdout, r.reason], [0, 'web1:hello\n', 'exited 0']);
  const loud = script('loud.sh', 'yes');
  const big = await runHook(loud, [], { timeoutMs: 5000, maxOutputBytes: 1000 });
  assert.equal(big.code, null);
  assert.match(big.reason, /more than 1000 bytes/);
});

test('a hook that ignores SIGTERM is killed with its children on timeout', async () => {
  const pidFile = join(dir, 'child.pid');
  const stubborn = script('stubborn.sh', `trap '' TERM; sleep 600 & echo $! > ${pidFile}; while true; do sleep 1; done`);
  const started = Date.now();
  const r = await runHook(stubborn, [], { timeoutMs: 300 });
  assert.ok(r.timedOut);
  assert.match(r.reason, /timed out after 0.3 s/);
  assert.ok(Date.now() - started < 5000);
  const child = Number(readFileSync(pidFile, 'utf8'));
  for (let i = 0; i < 50 && alive(child); i++) await new Promise((res) => setTimeout(res, 100));
  assert.ok(!alive(child), 'the hook\'s child is gone');
});

test('a missing executable is a result, not an exception', async () => {
  const r = await runHook(join(dir, 'missing'), [], { timeoutMs: 1000 });
  assert.equal(r.code, null);
  assert.match(r.reason, /could not run/);
});

test('slots bound concurrency and turn away past the queue', async () => {
  const slots = new Slots(2, 3);
  let running = 0;
  let peak = 0;
  const task = async () => {
    running++;
    peak = Math.max(peak, running);
    await new Promise((res) => setTimeout(res, 20));
    running--;
    return true;
  };
  const results = await Promise.all(Array.from({ length: 6 }, () => slots.run(task)));
  assert.equal(peak, 2);
  assert.equal(results.filter((r) => r === undefined).length, 1);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
