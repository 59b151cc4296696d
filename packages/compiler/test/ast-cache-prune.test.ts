// The cache of parsed manifests stays bounded: past MAX_AST_ENTRIES, the first write of a process
// removes the oldest entries down to half. (Its own file: the test needs a process's first write.)
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSource } from '@kasper/language';
import { configureAstCache, MAX_AST_ENTRIES, parseSourceCached } from '../src/ast-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'kasper-ast-prune-'));
after(() => {
  configureAstCache(undefined);
  rmSync(dir, { recursive: true, force: true });
});

test('a full cache folder loses its oldest entries, keeps the newest, and takes the new one', () => {
  configureAstCache(dir);
  const folder = join(dir, 'ast');
  mkdirSync(folder, { recursive: true });
  const old = MAX_AST_ENTRIES + 1;
  for (let i = 0; i < old; i++) {
    const f = join(folder, `old${String(i).padStart(5, '0')}.ast`);
    writeFileSync(f, 'x');
    utimesSync(f, 1_000_000 + i, 1_000_000 + i);
  }
  const text = "notice('pruned')\n";
  assert.deepStrictEqual(parseSourceCached(text, '/p.pp').program, parseSource(text, '/p.pp').program);
  const names = readdirSync(folder).sort();
  assert.equal(names.length, MAX_AST_ENTRIES / 2 + 1);
  assert.ok(!names.includes('old00000.ast') && names.includes(`old${String(old - 1).padStart(5, '0')}.ast`));
  assert.equal(names.filter((n) => !n.startsWith('old')).length, 1, 'the new entry');
});
