import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printable, safeJoin, UnsafePathError } from '../src/index.ts';

test('safeJoin keeps names inside their base folder', () => {
  const base = mkdtempSync(join(tmpdir(), 'kasper-files-'));
  try {
    mkdirSync(join(base, 'in/sub'), { recursive: true });
    writeFileSync(join(base, 'in/sub/a.txt'), 'a');
    symlinkSync('/etc', join(base, 'in/out'));
    symlinkSync('sub/a.txt', join(base, 'in/ok'));
    const dir = join(base, 'in');
    assert.equal(safeJoin(dir, 'sub/a.txt'), join(dir, 'sub/a.txt'));
    assert.equal(safeJoin(dir, ['sub', 'new.pem']), join(dir, 'sub/new.pem'));
    assert.equal(safeJoin(dir, 'ok'), join(dir, 'ok'));
    for (const bad of ['../x', 'sub/../../x', '/etc/passwd', 'a\0b', '', '..', 'out/passwd', 'out']) {
      assert.throws(() => safeJoin(dir, bad), UnsafePathError, bad);
    }
    // A module's files/ follows links inside it, as Puppet's file server does.
    assert.equal(safeJoin(dir, 'out/passwd', { links: 'follow' }), join(dir, 'out/passwd'));
    assert.throws(() => safeJoin(dir, '../x', { links: 'follow' }), UnsafePathError);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('safeJoin follows links as the kernel does: `a/..` after a link is the link target\'s parent', () => {
  // Node's own realpathSync collapses `up/..` before following `up`: `sneaky -> sub/up/..` with
  // `sub/up -> ..` would seem to stay inside, while the kernel leaves the folder.
  const base = mkdtempSync(join(tmpdir(), 'kasper-files-'));
  try {
    const dir = join(base, 'in');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(base, 'secret'), 's');
    symlinkSync('..', join(dir, 'sub/up'));
    symlinkSync('sub/up/..', join(dir, 'sneaky'));
    assert.throws(() => safeJoin(dir, 'sneaky/secret'), UnsafePathError);
    assert.throws(() => safeJoin(dir, 'sneaky'), UnsafePathError);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('printable escapes control characters', () => {
  assert.equal(printable('a\x1b[2Jb\nc'), 'a\\u001b[2Jb\\u000ac');
});
