// The user's cache folder is used only when private; folders of entries stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateCacheDir, pruneOldest } from '../src/index.ts';

test('the cache folder: made private when missing, refused when others may write to it or it is not a folder', () => {
  const work = mkdtempSync(join(tmpdir(), 'kasper-cache-'));
  try {
    const made = join(work, 'a/kasper');
    assert.equal(privateCacheDir(made), made);
    assert.equal(readdirSync(join(work, 'a')).includes('kasper'), true);
    const shared = join(work, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    assert.equal(privateCacheDir(shared), undefined);
    chmodSync(shared, 0o750);
    assert.equal(privateCacheDir(shared), shared);
    const file = join(work, 'file');
    writeFileSync(file, 'x');
    assert.equal(privateCacheDir(file), undefined);
    // $XDG_CACHE_HOME/kasper by default.
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(work, 'xdg');
    try {
      assert.equal(privateCacheDir(), join(work, 'xdg', 'kasper'));
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = saved;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('pruneOldest: past the bound, the oldest entries go, down to half of it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kasper-prune-'));
  try {
    const now = Date.now() / 1000;
    for (let i = 0; i < 12; i++) {
      writeFileSync(join(dir, `e${i}`), 'x');
      utimesSync(join(dir, `e${i}`), now - i * 60, now - i * 60); // e0 the newest
    }
    pruneOldest(dir, 12);
    assert.equal(readdirSync(dir).length, 12, 'at the bound: nothing removed');
    writeFileSync(join(dir, 'new'), 'x');
    pruneOldest(dir, 12);
    assert.deepEqual(readdirSync(dir).sort(), ['e0', 'e1', 'e2', 'e3', 'e4', 'new']);
    pruneOldest(join(dir, 'missing'), 1);
    assert.equal(existsSync(join(dir, 'missing')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
