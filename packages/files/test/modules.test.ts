// The modules on a modulepath, as Puppet sees them (the compiler's Ruby lookup, custom facts and
// the file server's mounts all ask this one function).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modulesOnPath } from '../src/index.ts';

test('first folder of each module name wins; files, bad names and missing folders hide nothing', () => {
  const root = mkdtempSync(join(tmpdir(), 'kasper-modules-'));
  try {
    const one = join(root, 'one');
    const two = join(root, 'two');
    for (const d of [join(one, 'apt'), join(one, 'Bad-Name'), join(one, '_x'), join(two, 'apt'), join(two, 'stdlib'), join(two, 'concat'), join(root, 'elsewhere', 'ntp')]) {
      mkdirSync(d, { recursive: true });
    }
    // A file named like a module: not a module, so two's concat is found.
    writeFileSync(join(one, 'concat'), 'not a module');
    // A link to a module folder is followed, as Puppet does.
    symlinkSync(join(root, 'elsewhere', 'ntp'), join(one, 'ntp'));
    assert.deepEqual(modulesOnPath([one, join(root, 'missing'), two]), [
      { name: 'apt', dir: join(one, 'apt'), base: one },
      { name: 'ntp', dir: join(one, 'ntp'), base: one },
      { name: 'concat', dir: join(two, 'concat'), base: two },
      { name: 'stdlib', dir: join(two, 'stdlib'), base: two },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
